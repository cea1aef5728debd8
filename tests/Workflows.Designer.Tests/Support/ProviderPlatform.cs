using Workflows.TestSupport;

namespace Workflows.Designer.Tests.Support;

/// <summary>
/// The platform with sign-in through an OpenID Connect provider: a <see cref="TestIdentityProvider"/> in the test
/// process, and the Host (<c>Access:OpenIdConnect</c>) and Designer (<c>Authentication:OpenIdConnect</c>) configured
/// for it. Its own collection, so the other browser tests keep the shared platform unchanged.
/// </summary>
public sealed class ProviderPlatform : RunningPlatform
{
    public const string ProviderName = "Cổng dịch vụ công tỉnh";

    public TestIdentityProvider Provider { get; private set; } = null!;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }
    }

    protected override async Task<Dictionary<string, string>> AddSettingsAsync(Dictionary<string, string> settings, string project)
    {
        Provider ??= await TestIdentityProvider.StartAsync();
        if (project == "Workflows.Host")
        {
            settings["Access__OpenIdConnect__Authority"] = Provider.Issuer;
            settings["Access__OpenIdConnect__Audience"] = TestIdentityProvider.ClientId;
            settings["Access__OpenIdConnect__RequireHttpsMetadata"] = "false";
        }
        else
        {
            settings["Authentication__OpenIdConnect__Authority"] = Provider.Issuer;
            settings["Authentication__OpenIdConnect__ClientId"] = TestIdentityProvider.ClientId;
            settings["Authentication__OpenIdConnect__ClientSecret"] = TestIdentityProvider.ClientSecret;
            settings["Authentication__OpenIdConnect__DisplayName"] = ProviderName;
            settings["Authentication__OpenIdConnect__RequireHttpsMetadata"] = "false";
        }

        return settings;
    }
}

[CollectionDefinition(Name)]
public sealed class ProviderPlatformTests : ICollectionFixture<ProviderPlatform>
{
    public const string Name = "provider-platform";
}
