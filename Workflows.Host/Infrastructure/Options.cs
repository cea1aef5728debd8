using System.ComponentModel.DataAnnotations;

namespace Workflows.Host.Infrastructure;

internal enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Section "Database".</summary>
internal sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";

    public const string DefaultSqliteConnection = "Data Source=data/workflows.db";

    /// <summary>Sqlite (default) or Postgres.</summary>
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    public DatabaseProvider ProviderKind => Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out var kind)
        ? kind
        : throw new InvalidOperationException($"Database:Provider '{Provider}' is not supported; use Sqlite or Postgres.");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
        {
            yield return new ValidationResult($"'{Provider}' is not supported; use Sqlite or Postgres.", [nameof(Provider)]);
        }
    }
}

/// <summary>Section "Definitions".</summary>
internal sealed class DefinitionsOptions
{
    public const string Section = "Definitions";

    /// <summary>
    /// Folder holding procedures/*.json, departments.json and templates/*.hbs. When empty: the
    /// <c>definitions</c> folder next to Workflows.sln above the content root, else ./definitions.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>
    /// The largest procedure file the definitions API accepts (drafts, import, validate); larger is a 413. The biggest
    /// real procedure is a few tens of kilobytes. Default 1 MiB.
    /// </summary>
    public int MaxFileBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How often each Host checks whether another Host edited the departments (a one-row aggregate over the small
    /// departments table) and reloads its in-memory directory if so: the longest a Host shows a department as it was.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "must be a time span between 00:00:00.050 and 01:00:00.")]
    public TimeSpan DepartmentRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}
