using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Workflows.Host.Persistence;

namespace Workflows.Host.Access;

/// <summary>
/// Sign-in sessions: a random 256-bit token given to the user once; the Host keeps only its SHA-256 hash and expiry,
/// so a copy of the database does not sign anyone in.
/// </summary>
internal static class Sessions
{
    public const string BearerPrefix = "Bearer ";

    public static string NewToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    public static string Hash(string token) => ApiKeys.Hash(token);

    /// <summary>The bearer token of a request, or null when it has none.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[BearerPrefix.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>Ends every session of a principal (deactivation, a new password): its tokens stop working at once.</summary>
    public static Task<int> RevokeAllAsync(WorkflowsDbContext db, Guid principalId, CancellationToken cancellationToken) =>
        db.Sessions.Where(s => s.PrincipalId == principalId).ExecuteDeleteAsync(cancellationToken);
}
