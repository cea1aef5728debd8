using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Workflows.Host.Infrastructure;

/// <summary>
/// The one way the Host reads a configuration section: bound to its options class, checked with the class's data
/// annotations (and <see cref="IValidatableObject"/> for rules an attribute cannot say), registered as
/// <see cref="IOptions{TOptions}"/> validated at start-up, and returned for the choices made while registering
/// services. A wrong setting stops the Host before it listens, with a message that names the setting as it is
/// written in configuration (<c>Runtime:TimerPollInterval</c>, or <c>Runtime__TimerPollInterval</c> in the environment).
/// </summary>
internal static class OptionsBinding
{
    public static TOptions AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = Read<TOptions>(configuration, section);
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new AnnotatedOptionsValidator<TOptions>(section));
        return value;
    }

    /// <summary>Binds and validates a section without registering it; throws <see cref="OptionsValidationException"/>.</summary>
    public static TOptions Read<TOptions>(IConfiguration configuration, string section)
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        TOptions value;
        try
        {
            value = configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
        }
        catch (InvalidOperationException exception)
        {
            // The binder names the key and the value it could not convert ("Failed to convert configuration value 'x'
            // at 'Runtime:TimerPollInterval' to type 'System.TimeSpan'").
            throw new OptionsValidationException(section, typeof(TOptions), [exception.Message]);
        }

        var failures = Validate(value, section);
        return failures.Count == 0 ? value : throw new OptionsValidationException(section, typeof(TOptions), failures);
    }

    /// <summary>Every broken rule of <paramref name="options"/>, each naming its setting.</summary>
    public static List<string> Validate(object options, string section)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return [.. results.Select(r => Describe(r, section))];
    }

    private static string Describe(ValidationResult result, string section)
    {
        var members = result.MemberNames.ToList();
        var names = members.Count == 0 ? section : string.Join(", ", members.Select(m => $"{section}:{m.Replace('.', ':')}"));
        return $"Setting {names}: {result.ErrorMessage}";
    }

    private sealed class AnnotatedOptionsValidator<TOptions>(string section) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var failures = OptionsBinding.Validate(options, section);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
