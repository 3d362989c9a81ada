using System.Xml.Linq;
using ContactHub.Data;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace ContactHub.Desk;

/// <summary>
/// ASP.NET Core Data Protection keys (desk cookies, anti-forgery tokens, embed tokens) kept in the database, so that
/// every node of a cluster reads what another node protected. The key ring asks rarely and caches what it reads.
/// The database is reached on first use only, so that a bad Database section is reported by start-up validation.
/// </summary>
public sealed class DatabaseKeyRepository(IServiceProvider services, TimeProvider clock) : IXmlRepository
{
    private const string Prefix = "dataprotection-key:";

    private const string ListSql = "SELECT value FROM sync_state WHERE name LIKE 'dataprotection-key:%' ORDER BY name";

    private const string InsertSql = "INSERT INTO sync_state (name, value, updated_at) VALUES (@name, @value, @now)";

    private Db Db => services.GetRequiredService<Db>();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = Db.OpenAsync().GetAwaiter().GetResult();
        return [.. connection.Query<string>(ListSql).Select(XElement.Parse)];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = Db.OpenAsync().GetAwaiter().GetResult();
        connection.Execute(InsertSql, new { name = Prefix + friendlyName, value = element.ToString(SaveOptions.DisableFormatting), now = clock.GetUtcNow() });
    }
}
