using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ContactHub.Hosting;

public static class ValidatedOptions
{
    /// <summary>
    /// Binds a section and validates it at start-up; each failure is one line naming the key
    /// (the options class writes its messages as "Section:Key …").
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class, IValidatableObject
    {
        services.AddSingleton<IValidateOptions<T>, SelfValidation<T>>();
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    private sealed class SelfValidation<T> : IValidateOptions<T> where T : class, IValidatableObject
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var errors = options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage ?? "invalid").ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
