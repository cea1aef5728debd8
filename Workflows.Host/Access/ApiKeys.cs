using System.Security.Cryptography;
using System.Text;

namespace Workflows.Host.Access;

/// <summary>API keys are random, shown once, and stored only as SHA-256 hashes.</summary>
internal static class ApiKeys
{
    public const string Header = "X-Api-Key";

    public static string NewKey() => "wf_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
