using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ContactHub.SqlServerModel.Tests;

/// <summary>The oldest SQL Server ContactHub supports, SQL Server 2022 (compatibility level 160): its parser and its script generator.</summary>
public static class Sql
{
    public static TSqlFragment Parse(string source, string text)
    {
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(text), out var errors);
        if (errors.Count > 0)
            throw new InvalidOperationException($"{source} does not parse as SQL Server 2022 T-SQL: " + string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}")));
        return fragment;
    }

    public static string Script(TSqlFragment fragment)
    {
        new Sql160ScriptGenerator(new SqlScriptGeneratorOptions { IncludeSemicolons = false }).GenerateScript(fragment, out var script);
        return script;
    }
}
