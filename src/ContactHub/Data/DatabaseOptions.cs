using System.ComponentModel.DataAnnotations;

namespace ContactHub.Data;

public enum DatabaseProvider { Sqlite, SqlServer, Postgres }

public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";

    public string? Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    public string? ConnectionString { get; set; } = "Data Source=data/contacthub.db";

    /// <summary>Apply pending migrations when the service starts (the `migrate` command always does).</summary>
    public bool MigrateOnStart { get; set; } = true;

    public DatabaseProvider ProviderKind => Enum.Parse<DatabaseProvider>(Provider!, ignoreCase: true);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!Enum.TryParse<DatabaseProvider>(Provider, ignoreCase: true, out _) || int.TryParse(Provider, out _))
            yield return new($"{Section}:Provider must be one of Sqlite, SqlServer, Postgres (was '{Provider}').", [nameof(Provider)]);
        if (string.IsNullOrWhiteSpace(ConnectionString))
            yield return new($"{Section}:ConnectionString is required.", [nameof(ConnectionString)]);
    }
}
