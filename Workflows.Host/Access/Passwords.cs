using Microsoft.AspNetCore.Identity;
using Workflows.Host.Persistence;

namespace Workflows.Host.Access;

/// <summary>
/// Users' passwords: salted, iterated hashes made by ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>
/// (its format carries the algorithm and iteration count, so a later default rehashes on the next sign-in).
/// </summary>
internal static class Passwords
{
    public const int MinLength = 8;

    /// <summary>Longer passwords are refused: hashing an arbitrarily long text is a cheap way to load the Host.</summary>
    public const int MaxLength = 256;

    /// <summary>The password every development user gets (Development environment only, like the development keys).</summary>
    public const string DevelopmentPassword = "dev-password";

    private static readonly PasswordHasher<PrincipalRow> Hasher = new();

    // One hash for every development user: hashing is deliberately slow and the password is public anyway.
    private static readonly Lazy<string> DevelopmentHash = new(() => Hash(DevelopmentPassword));

    // Verified against when the user does not exist, so that a wrong user name costs as much time as a wrong password.
    private static readonly Lazy<string> DecoyHash = new(() => Hash(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    public static string DevelopmentPasswordHash => DevelopmentHash.Value;

    /// <summary>Whether <paramref name="password"/> matches; <paramref name="rehash"/> is set when the stored hash should be renewed.</summary>
    public static bool Verify(string? hash, string password, out string? rehash)
    {
        rehash = null;
        var result = Hasher.VerifyHashedPassword(null!, hash ?? DecoyHash.Value, password);
        if (hash is null || result == PasswordVerificationResult.Failed)
        {
            return false;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            rehash = Hash(password);
        }

        return true;
    }

    /// <summary>The problem with a new password, or null when it may be used.</summary>
    public static string? Check(string? password) =>
        password is null || password.Length < MinLength || password.Length > MaxLength
            ? $"A password of {MinLength} to {MaxLength} characters is required."
            : null;
}
