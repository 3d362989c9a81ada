using ContactHub.Data;
using Microsoft.SqlServer.Dac.CodeAnalysis;
using Microsoft.SqlServer.Dac.Model;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ContactHub.SqlServerModel.Tests;

/// <summary>
/// The migrated schema and every query in one SQL Server 2022 model: each query wrapped as a stored procedure whose
/// parameters carry their types, then validated by DacFx (columns, aliases, tables, variables) and analysed (SR0014, data
/// loss in implicit conversions). Built once per test run; each query's messages are kept under its procedure's name.
/// </summary>
public sealed class ModelCheck
{
    public const SqlServerVersion Version = SqlServerVersion.Sql160;

    public static ModelCheck Shipped { get; } = Build(Migrations(), Queries.All);

    /// <summary>Messages by source: "schema" for the tables and indexes, else the query's name.</summary>
    public IReadOnlyDictionary<string, List<string>> Messages { get; }

    /// <summary>The procedures that went into the model, by query name (for messages that quote them).</summary>
    public IReadOnlyDictionary<string, string> Procedures { get; }

    public TSqlModel Model { get; }

    private ModelCheck(TSqlModel model, Dictionary<string, List<string>> messages, Dictionary<string, string> procedures) =>
        (Model, Messages, Procedures) = (model, messages, procedures);

    public static IEnumerable<(string Name, string Script)> Migrations()
    {
        var assembly = typeof(Migrator).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("sql/sqlserver/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            yield return (name, reader.ReadToEnd());
        }
    }

    public static ModelCheck Build(IEnumerable<(string Name, string Script)> migrations, IEnumerable<Query> queries)
    {
        var folder = new SchemaFolder();
        foreach (var (name, script) in migrations) folder.Apply(name, script);
        var schema = folder.Columns();
        var messages = new Dictionary<string, List<string>>();
        var procedures = new Dictionary<string, string>();
        foreach (var query in queries)
        {
            try { procedures[query.Name] = Procedure(query, schema); }
            catch (InvalidOperationException ex) { Add(messages, query.Name, ex.Message); }
        }

        // A script the model refuses to add poisons the adds after it: rebuild without each one that throws.
        var refused = new HashSet<string>();
        while (true)
        {
            var model = new TSqlModel(Version, new TSqlModelOptions());
            foreach (var (name, script) in folder.Objects()) model.AddOrUpdateObjects(script, "schema: " + name, new TSqlObjectOptions());
            string? failed = null;
            foreach (var (name, script) in procedures.Where(p => !refused.Contains(p.Key)))
            {
                try { model.AddOrUpdateObjects(script, name, new TSqlObjectOptions()); }
                catch (Exception ex) when (ex is DacModelException or InvalidOperationException or ArgumentException)
                {
                    Add(messages, name, $"the model refused it: {ex.Message}");
                    failed = name;
                    break;
                }
            }
            if (failed is not null)
            {
                refused.Add(failed);
                continue;
            }
            // Every message, warnings included (an unknown table is only a warning), under the query whose procedure it names.
            var byProcedure = procedures.ToDictionary(p => ProcedureName(p.Key), p => p.Key);
            foreach (var message in model.Validate())
            {
                var owner = byProcedure.FirstOrDefault(p => message.Message.Contains($"[{p.Key}]", StringComparison.OrdinalIgnoreCase)).Value ?? "schema";
                Add(messages, owner, $"{message.MessageType} {message.Prefix}{message.Number}: {message.Message}");
            }
            return new ModelCheck(model, messages, procedures);
        }
    }

    /// <summary>SR0014 problems (data loss when casting one type to another), by source.</summary>
    public IReadOnlyDictionary<string, List<string>> DataLossProblems()
    {
        var service = new CodeAnalysisServiceFactory().CreateAnalysisService(Model);
        var settings = new CodeAnalysisRuleSettings { new RuleConfiguration("Microsoft.Rules.Data.SR0014") };
        settings.DisableRulesNotInSettings = true;
        service.ApplyRuleSettings(settings);
        var problems = new Dictionary<string, List<string>>();
        foreach (var problem in service.Analyze(Model).Problems)
            Add(problems, problem.ModelElement?.Name?.ToString() ?? problem.SourceName ?? "?", $"{problem.ShortRuleId}: {problem.Description}");
        return problems;
    }

    /// <summary>CREATE PROCEDURE [dbo].[Q_n] @p type, … AS BEGIN query END, the procedure named after the query.</summary>
    public static string Procedure(Query query, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> schema)
    {
        var statement = Sql.Parse(query.Name, query.Sql);
        BuiltIns.Check(query.Name, statement);
        var parameters = ParameterTypes.Of(statement, query, schema);
        var name = ProcedureName(query.Name);
        var declared = parameters.Count == 0 ? "" : " " + string.Join(", ", parameters.Select(p => $"{p.Name} {p.Type}"));
        return $"CREATE PROCEDURE [dbo].[{name}]{declared}\nAS\nBEGIN\n{query.Sql}\nEND";
    }

    public static string ProcedureName(string query) => "Q_" + new string(query.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    private static void Add(Dictionary<string, List<string>> into, string key, string message)
    {
        if (!into.TryGetValue(key, out var list)) into[key] = list = [];
        list.Add(message);
    }
}
