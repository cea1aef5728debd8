using Workflows.Host.Access;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Definitions;

internal static class DefinitionsExtensions
{
    public static IServiceCollection AddDefinitions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DefinitionsOptions>(configuration, DefinitionsOptions.Section);
        services.AddSingleton<DefinitionFolder>();
        services.AddSingleton<DepartmentDirectory>();
        services.AddSingleton<ReceptionPointDirectory>();
        services.AddSingleton<TemplateDirectory>();
        services.AddSingleton<IKnownDepartments, DirectoryDepartments>();
        services.AddScoped<DefinitionCatalogue>();
        return services;
    }

    /// <summary>
    /// Seeds and loads the departments (steps are validated against them), publishes new or changed procedure files,
    /// then loads every published version into the registry.
    /// </summary>
    public static async Task LoadDefinitionsAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await services.SeedDepartmentsAsync(cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var catalogue = scope.ServiceProvider.GetRequiredService<DefinitionCatalogue>();
        await catalogue.SyncFolderAsync(cancellationToken);
        await catalogue.FillCatalogueColumnsAsync(cancellationToken);
        await catalogue.LoadRegistryAsync(cancellationToken);
    }
}
