using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Workflows.Host.Persistence;

namespace Workflows.Host.Access;

/// <summary>
/// Development users (known keys, for the README walkthrough and local work; every user also signs in with the
/// password <see cref="Passwords.DevelopmentPassword"/>) are created only in the Development environment. Elsewhere
/// the only automatic principal is an optional bootstrap administrator.
/// </summary>
internal static class PrincipalSeeder
{
    internal sealed record DevelopmentPrincipal(string Name, string DisplayName, string Kind, string Roles, string Departments, string Key);

    public static readonly IReadOnlyList<DevelopmentPrincipal> DevelopmentPrincipals =
    [
        new("motcua-tinh", "Hệ thống một cửa điện tử tỉnh (thử nghiệm)", PrincipalKinds.IntakeSystem, Roles.Intake, "", "dev-intake-key"),
        new("thiet.ke", "Chuyên viên thiết kế quy trình", PrincipalKinds.User, Roles.Designer, "", "dev-designer-key"),
        new("quan.tri", "Quản trị hệ thống", PrincipalKinds.User, Roles.Administrator, "", "dev-admin-key"),
        new("canbo.motcua", "Cán bộ Bộ phận Một cửa", PrincipalKinds.User, Roles.Officer, "one-stop-desk", "dev-officer-desk-key"),
        new("canbo.xaydung", "Chuyên viên Phòng Quản lý đô thị", PrincipalKinds.User, Roles.Officer, "urban-management,construction", "dev-officer-urban-key"),
        new("lanh.dao", "Lãnh đạo", PrincipalKinds.User, Roles.Officer, "leadership", "dev-officer-leader-key"),
        new("canbo.datdai", "Chuyên viên Văn phòng Đăng ký đất đai", PrincipalKinds.User, Roles.Officer, "land-registry,land-management,agriculture-environment", "dev-officer-land-key"),
        new("canbo.xa", "Công chức UBND xã", PrincipalKinds.User, Roles.Officer, "commune,justice", "dev-officer-commune-key"),
        new("canbo.thue", "Công chức Thuế cơ sở", PrincipalKinds.User, Roles.Officer, "tax-office,finance", "dev-officer-tax-key"),
        new("canbo.congan", "Cán bộ Công an", PrincipalKinds.User, Roles.Officer, "police", "dev-officer-police-key"),
        new("canbo.bhxh", "Cán bộ Bảo hiểm xã hội", PrincipalKinds.User, Roles.Officer, "social-insurance", "dev-officer-insurance-key"),
        // The city's departments (departments.json): one officer each, so every lane of the city's procedures can be walked.
        new("canbo.noivu", "Chuyên viên Sở Nội vụ", PrincipalKinds.User, Roles.Officer, "home-affairs", "dev-officer-home-affairs-key"),
        new("canbo.vieclam", "Cán bộ Trung tâm Dịch vụ việc làm", PrincipalKinds.User, Roles.Officer, "employment-service", "dev-officer-employment-key"),
        new("canbo.dkkd", "Chuyên viên Phòng Đăng ký kinh doanh", PrincipalKinds.User, Roles.Officer, "business-registration", "dev-officer-business-key"),
        new("canbo.kcn", "Chuyên viên Ban Quản lý các khu chế xuất và công nghiệp", PrincipalKinds.User, Roles.Officer, "industrial-zones", "dev-officer-industrial-zones-key"),
        new("canbo.vantai", "Chuyên viên Phòng Quản lý vận tải, phương tiện và người lái", PrincipalKinds.User, Roles.Officer, "transport-office", "dev-officer-transport-key"),
        new("canbo.yte", "Chuyên viên Sở Y tế", PrincipalKinds.User, Roles.Officer, "health", "dev-officer-health-key"),
        new("canbo.giaoduc", "Chuyên viên Sở Giáo dục và Đào tạo", PrincipalKinds.User, Roles.Officer, "education", "dev-officer-education-key"),
        new("canbo.congthuong", "Chuyên viên Sở Công Thương", PrincipalKinds.User, Roles.Officer, "industry-trade", "dev-officer-industry-trade-key"),
        new("canbo.vanhoa", "Chuyên viên Sở Văn hoá, Thể thao và Du lịch", PrincipalKinds.User, Roles.Officer, "culture-sports-tourism", "dev-officer-culture-key"),
        new("canbo.khcn", "Chuyên viên Sở Khoa học và Công nghệ", PrincipalKinds.User, Roles.Officer, "science-technology", "dev-officer-science-key"),
        new("canbo.congan.tp", "Cán bộ Công an thành phố", PrincipalKinds.User, Roles.Officer, "city-police", "dev-officer-city-police-key"),
        new("canbo.pccc", "Cán bộ Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ", PrincipalKinds.User, Roles.Officer, "fire-police", "dev-officer-fire-police-key"),
        new("canbo.thue.tp", "Công chức Thuế thành phố", PrincipalKinds.User, Roles.Officer, "city-tax", "dev-officer-city-tax-key"),
        new("canbo.vhxh", "Công chức Phòng Văn hoá - Xã hội (UBND xã, phường)", PrincipalKinds.User, Roles.Officer, "commune-culture-social", "dev-officer-commune-social-key"),
    ];

    public static async Task SeedPrincipalsAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var environment = scope.ServiceProvider.GetRequiredService<IHostEnvironment>();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<AccessOptions>>().Value;
        var db = scope.ServiceProvider.GetRequiredService<WorkflowsDbContext>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();

        if (environment.IsDevelopment())
        {
            var names = DevelopmentPrincipals.Select(p => p.Name).ToList();
            var existing = await db.Principals.Where(p => names.Contains(p.Name)).ToListAsync(cancellationToken);
            // Development users seeded before passwords existed get the development password too (a password an
            // administrator has set since is kept).
            foreach (var user in existing.Where(p => p.Kind == PrincipalKinds.User && p.PasswordHash is null))
            {
                user.PasswordHash = Passwords.DevelopmentPasswordHash;
            }

            foreach (var seed in DevelopmentPrincipals.Where(p => !existing.Exists(e => e.Name == p.Name)))
            {
                db.Principals.Add(new PrincipalRow
                {
                    Id = Guid.CreateVersion7(now),
                    Name = seed.Name,
                    DisplayName = seed.DisplayName,
                    Kind = seed.Kind,
                    Roles = seed.Roles,
                    Departments = seed.Departments,
                    KeyHash = ApiKeys.Hash(seed.Key),
                    CreatedAt = now,
                    PasswordHash = seed.Kind == PrincipalKinds.User ? Passwords.DevelopmentPasswordHash : null,
                });
            }
        }

        if (!string.IsNullOrWhiteSpace(options.BootstrapAdministratorKey)
            && !await db.Principals.AnyAsync(p => p.Roles.Contains(Roles.Administrator), cancellationToken))
        {
            db.Principals.Add(new PrincipalRow
            {
                Id = Guid.CreateVersion7(now),
                Name = "admin",
                DisplayName = "Quản trị (khởi tạo)",
                Kind = PrincipalKinds.User,
                Roles = Roles.Administrator,
                Departments = "",
                KeyHash = ApiKeys.Hash(options.BootstrapAdministratorKey.Trim()),
                CreatedAt = now,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

internal static class PrincipalKinds
{
    public const string IntakeSystem = "intakeSystem";
    public const string User = "user";
}
