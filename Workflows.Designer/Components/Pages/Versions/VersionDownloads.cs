using Workflows.Designer.HostApi;

namespace Workflows.Designer.Components.Pages.Versions;

/// <summary>
/// Exporting a version is a plain download from the Designer, which fetches the file from the Host as the current user:
/// the browser gets the procedure file, never the credential, and no script is needed to save it.
/// </summary>
internal static class VersionDownloads
{
    public static string Href(string code, int version) => $"/thu-tuc/{Uri.EscapeDataString(code)}/phien-ban/{version}/tai-ve";

    public static IEndpointRouteBuilder MapVersionDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/thu-tuc/{code}/phien-ban/{version:int}/tai-ve", async (string code, int version, HostClient host, CancellationToken cancellationToken) =>
        {
            try
            {
                var file = await host.ExportVersionAsync(code, version, cancellationToken);
                return Results.File(file.Content, file.ContentType, file.FileName);
            }
            catch (HostProblemException e)
            {
                return Results.Problem(title: e.Problem.Title, detail: e.Problem.Detail, statusCode: e.Problem.Status is >= 400 and < 600 ? e.Problem.Status : 502);
            }
        }).RequireAuthorization(Workflows.Designer.Access.DesignerPolicies.Designer);
        return app;
    }
}
