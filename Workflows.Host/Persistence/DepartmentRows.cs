using Microsoft.EntityFrameworkCore;

namespace Workflows.Host.Persistence;

/// <summary>
/// A department administrators keep (seeded from definitions/departments.json): steps, tasks and principals name it
/// by <see cref="Id"/>, so the id never changes; a department that is no longer used is deactivated, never deleted.
/// </summary>
internal sealed class DepartmentRow
{
    public required string Id { get; set; }

    /// <summary>The Vietnamese name printed on the forms and shown in the pickers.</summary>
    public required string Name { get; set; }

    public string? NameEn { get; set; }

    /// <summary>desk (the one-stop desk), department, agency, commune or leader; null for an entry of the file that named none.</summary>
    public string? Kind { get; set; }

    /// <summary>The department this one belongs to (e.g. an office of a provincial department), if any.</summary>
    public string? Parent { get; set; }

    /// <summary>The administrative level it works at (1 province or city, 2 commune or ward), if declared.</summary>
    public int? Level { get; set; }

    public bool Active { get; set; }

    /// <summary>The order of the lists: the file's order, then the order of creation.</summary>
    public int Position { get; set; }

    /// <summary>Grows with every edit; the ETag an edit's If-Match names.</summary>
    public int Revision { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Who last edited it ("departments.json" for a department as seeded).</summary>
    public required string UpdatedBy { get; set; }
}

internal static class DepartmentModel
{
    public const int NameLength = 256;
    public const int KindLength = 32;

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DepartmentRow>(e =>
        {
            e.ToTable("departments");
            e.HasKey(d => d.Id);
            e.Property(d => d.Id).HasMaxLength(ColumnSizes.Department);
            e.Property(d => d.Name).HasMaxLength(NameLength);
            e.Property(d => d.NameEn).HasMaxLength(NameLength);
            e.Property(d => d.Kind).HasMaxLength(KindLength);
            e.Property(d => d.Parent).HasMaxLength(ColumnSizes.Department);
            e.Property(d => d.UpdatedBy).HasMaxLength(ColumnSizes.PrincipalName);
            e.Property(d => d.Revision).IsConcurrencyToken();
        });
    }
}
