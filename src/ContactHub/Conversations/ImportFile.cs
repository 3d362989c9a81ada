using System.Text;
using ContactHub.Hosting;

namespace ContactHub.Conversations;

/// <summary>
/// How the bytes of a file to import become text. A byte order mark names the encoding (UTF-8, UTF-16, UTF-32). Without one,
/// the file is read as UTF-8 when all of it is UTF-8, and as Windows-1252 when its first byte that is not UTF-8 comes before
/// any UTF-8 beyond ASCII: that is what Excel on Windows writes for "CSV (semicolon delimited)", and read as UTF-8 every
/// accented letter of it (<c>Zoé</c>, <c>reçu</c>, <c>€</c>) became U+FFFD, silently. A file whose first byte that is not UTF-8
/// comes after UTF-8 beyond ASCII (it mixes encodings), or after UTF-8's byte order mark, is refused before anything is
/// imported, naming that byte's line: read either way, part of its text would change. Standard input cannot be read twice,
/// so it is read as UTF-8 and stops at its first byte that is not (<see cref="Refusal"/>), as is a pipe given as a file.
/// </summary>
public static class ImportFile
{
    /// <summary>Why a file or standard input is not imported: its bytes are not text in one encoding.</summary>
    public sealed class NotUtf8Exception(string message) : Exception(message);

    /// <param name="Encoding">What the file is read as, for the command to say when it is not UTF-8.</param>
    public sealed record Opened(TextReader Reader, Encoding Encoding);

    /// <summary>Windows-1252 (Western European), from the code pages .NET ships but registers only on request.</summary>
    public static Encoding Windows1252 { get; } = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    /// <summary>Opens <paramref name="path"/> in the encoding its bytes are in; throws <see cref="NotUtf8Exception"/> for a file that mixes encodings.</summary>
    public static Opened Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        try
        {
            // A pipe (/dev/stdin, a named one) is read once, as standard input is.
            if (!file.CanSeek) return new Opened(new StreamReader(file, Utf8Text.Strict, detectEncodingFromByteOrderMarks: true), Utf8Text.Strict);
            var encoding = ByteOrderMark(file) switch
            {
                Mark.Utf8 => Detect(file, declared: true),
                Mark.Other => Utf8Text.Strict, // the reader takes UTF-16 or UTF-32 from the mark
                _ => Detect(file, declared: false),
            };
            file.Position = 0;
            return new Opened(new StreamReader(file, encoding, detectEncodingFromByteOrderMarks: true), encoding);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Standard input as strict UTF-8: a byte that is not UTF-8 stops the import (<see cref="Refusal"/> says why) instead of becoming U+FFFD.</summary>
    public static TextReader OpenStandardInput() => new StreamReader(Console.OpenStandardInput(), Utf8Text.Strict, detectEncodingFromByteOrderMarks: true);

    /// <summary>What the command says when standard input (or a pipe) turned out not to be UTF-8.</summary>
    public static string Refusal(string source, DecoderFallbackException ex) =>
        $"{source} is not UTF-8 text (byte 0x{ex.BytesUnknown?.FirstOrDefault():X2}): the import stopped there, the rows before it were imported. " +
        "Save the file as UTF-8, or import the file itself: a file in Windows-1252 is recognised as such. Importing it again records only what is missing.";

    private enum Mark { None, Utf8, Other }

    private static Mark ByteOrderMark(FileStream file)
    {
        Span<byte> start = stackalloc byte[4];
        file.Position = 0;
        start = start[..file.ReadAtLeast(start, 4, throwOnEndOfStream: false)];
        if (start.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return Mark.Utf8;
        return start.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || start.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) || start.SequenceEqual((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF])
            ? Mark.Other : Mark.None;
    }

    /// <summary>UTF-8 if every byte is; Windows-1252 if the first byte that is not UTF-8 comes before any UTF-8 beyond ASCII; else refused.</summary>
    /// <param name="declared">Whether the file begins with UTF-8's byte order mark: then it is UTF-8 or refused.</param>
    private static Encoding Detect(FileStream file, bool declared)
    {
        file.Position = 0;
        return Utf8Text.Scan(file) switch
        {
            { InvalidLine: null } => Utf8Text.Strict,
            { InvalidLine: var line } when declared =>
                throw new NotUtf8Exception($"Line {line} is not UTF-8, though the file begins with UTF-8's byte order mark. {SaveAsUtf8}"),
            { InvalidLine: var line, BeyondAsciiBefore: true } =>
                throw new NotUtf8Exception($"Line {line} is not UTF-8, while earlier lines are: the file mixes encodings. {SaveAsUtf8}"),
            _ => Windows1252,
        };
    }

    private const string SaveAsUtf8 = "Save it again as UTF-8 (\"CSV UTF-8\" in Excel) and import it.";
}
