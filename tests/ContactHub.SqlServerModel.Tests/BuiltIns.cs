using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ContactHub.SqlServerModel.Tests;

/// <summary>
/// What the model compiler does not check: that each built-in function exists in SQL Server 2022 (now() and the like
/// parse as calls to a user function), and that an INSERT gives as many values as it names columns.
/// </summary>
public sealed class BuiltIns : TSqlFragmentVisitor
{
    /// <summary>The functions ContactHub may call, all present in SQL Server 2022 (GREATEST and LEAST are new in 2022).</summary>
    public static readonly HashSet<string> SqlServer2022 = new(StringComparer.OrdinalIgnoreCase)
    {
        "ABS", "AVG", "CEILING", "CHARINDEX", "COALESCE", "CONCAT", "COUNT", "COUNT_BIG", "DATEADD", "DATEDIFF", "DATEDIFF_BIG", "DATEPART",
        "FLOOR", "GREATEST", "ISNULL", "LEAST", "LEFT", "LEN", "LOWER", "LTRIM", "MAX", "MIN", "NULLIF", "REPLACE", "RIGHT", "ROUND",
        "ROW_NUMBER", "RTRIM", "STRING_AGG", "SUBSTRING", "SUM", "SYSUTCDATETIME", "SYSDATETIMEOFFSET", "TRIM", "UPPER", "FORMAT",
    };

    private readonly List<string> _problems = [];

    public static void Check(string source, TSqlFragment fragment)
    {
        var visitor = new BuiltIns();
        fragment.Accept(visitor);
        if (visitor._problems.Count > 0) throw new InvalidOperationException($"{source}: " + string.Join("; ", visitor._problems));
    }

    public override void Visit(FunctionCall node)
    {
        // A schema-qualified call (dbo.f) would be a user function: ContactHub has none.
        if (node.CallTarget is not null || !SqlServer2022.Contains(node.FunctionName.Value))
            _problems.Add($"{node.FunctionName.Value}() is not a SQL Server 2022 built-in function ContactHub uses (BuiltIns.SqlServer2022)");
    }

    public override void Visit(InsertSpecification node)
    {
        var values = node.InsertSource switch
        {
            ValuesInsertSource rows => rows.RowValues.Select(r => r.ColumnValues.Count).ToList(),
            SelectInsertSource { Select: QuerySpecification select } => [select.SelectElements.Count],
            _ => [],
        };
        if (node.Columns.Count > 0 && values.Any(v => v != node.Columns.Count))
            _problems.Add($"INSERT names {node.Columns.Count} columns but gives {string.Join(" or ", values.Distinct())} values");
    }
}
