using Workflows.Benchmarks.Common;

namespace Workflows.Benchmarks.Designer;

/// <summary>The built Designer as a child process (see <see cref="ServiceProcess"/>) pointed at a Host, ready when its sign-in page answers.</summary>
internal static class DesignerProcess
{
    public static Task<ServiceProcess> StartAsync(Uri host, string work, TimeSpan timeout)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Host__BaseUrl"] = host.ToString(),
            ["DataProtection__KeysPath"] = Path.Combine(work, "designer-keys"),
        };

        // Development (for the development users and keys the Host seeds): the static web assets manifest is found from the project folder.
        return ServiceProcess.StartAsync("Designer", ServiceProcess.BuiltAssembly("Workflows.Designer"), ServiceProcess.ProjectFolder("Workflows.Designer"), environment, "dang-nhap", timeout);
    }
}
