using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace ContactHub.Reports;

/// <summary>
/// ClosedXML 0.95.4 saves the rows to repeat on every printed page as <c>'By day'!1:1</c>; Excel reads that, but
/// LibreOffice prints the header on the first page only. Excel itself writes <c>'By day'!$1:$1</c>, which both read.
/// </summary>
public static partial class PrintTitles
{
    private const string Name = "_xlnm.Print_Titles";

    public static void MakeAbsolute(Stream workbook)
    {
        workbook.Position = 0;
        using var document = SpreadsheetDocument.Open(workbook, isEditable: true);
        var names = document.WorkbookPart!.Workbook.DefinedNames?.Elements<DefinedName>().Where(d => d.Name?.Value == Name) ?? [];
        foreach (var name in names)
            name.Text = RelativeRows().Replace(name.Text, "!$$${first}:$$${last}");
    }

    [GeneratedRegex(@"!(?<first>\d+):(?<last>\d+)")]
    private static partial Regex RelativeRows();
}
