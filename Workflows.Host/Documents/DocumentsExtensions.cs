using Microsoft.Extensions.Options;
using Workflows.Engine.Calendar;
using Workflows.Host.Definitions;
using Workflows.Host.Infrastructure;

namespace Workflows.Host.Documents;

internal static class DocumentsExtensions
{
    /// <summary>The form renderer (singleton, templates from &lt;definitions&gt;/templates/forms) and the form builders.</summary>
    public static IServiceCollection AddDocuments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DocumentsOptions>(configuration, DocumentsOptions.Section);
        services.AddSingleton(p => new DocumentRenderer(
            Path.Combine(p.GetRequiredService<DefinitionFolder>().Path, "templates", "forms"),
            p.GetRequiredService<WorkingCalendar>().UtcOffset));
        services.AddScoped<DocumentForms>();
        return services;
    }

    /// <summary>The agency block of every form, from the Documents section.</summary>
    public static DocumentAgency Agency(this IOptions<DocumentsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        return new DocumentAgency(value.GoverningBody, value.AgencyName, string.IsNullOrWhiteSpace(value.Place) ? null : value.Place);
    }
}
