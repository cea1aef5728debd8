namespace Workflows.Designer.HostApi;

/// <summary>
/// Until users sign in (Access), the Designer calls the Host with one development key from configuration
/// (<c>Host:DevelopmentApiKey</c>), and only in the Development environment. Replaced by the signed-in user's token.
/// </summary>
internal sealed class DevelopmentKeyCredentials(IConfiguration configuration, IHostEnvironment environment) : IHostCredentials
{
    public ValueTask<(string Name, string Value)?> GetHeaderAsync(CancellationToken cancellationToken)
    {
        var key = configuration["Host:DevelopmentApiKey"];
        return ValueTask.FromResult<(string, string)?>(environment.IsDevelopment() && !string.IsNullOrWhiteSpace(key) ? ("X-Api-Key", key) : null);
    }
}
