using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace ContactHub.Hosting;

/// <summary>
/// Text files read as UTF-8 without changing a byte that is not: .NET's readers turn such a byte into U+FFFD silently, so a
/// message template saved by a Windows editor in its ANSI code page sent "r�servation" to customers, and a report's titles
/// showed it to managers. Here it is an error that names the file's line.
/// </summary>
public static class Utf8Text
{
    /// <summary>A file's or stream's bytes that are not UTF-8, from <see cref="Scan"/>.</summary>
    /// <param name="InvalidLine">The line (from 1) of the first byte that is not UTF-8; null when every byte is.</param>
    /// <param name="BeyondAsciiBefore">Whether a UTF-8 sequence of two bytes or more comes before that byte (or anywhere, when there is none).</param>
    public readonly record struct Scanned(long? InvalidLine, bool BeyondAsciiBefore);

    /// <summary>UTF-8 that throws <see cref="DecoderFallbackException"/> at a byte that is not, instead of replacing it.</summary>
    public static readonly Encoding Strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads <paramref name="stream"/> to its end or to its first byte that is not UTF-8, in blocks (a file of any size).</summary>
    public static Scanned Scan(Stream stream)
    {
        const int Block = 1 << 16;
        var bytes = ArrayPool<byte>.Shared.Rent(Block);
        var chars = ArrayPool<char>.Shared.Rent(Block);
        try
        {
            int carried = 0, read;
            long line = 1;
            var beyondAscii = false;
            while ((read = stream.Read(bytes, carried, Block - carried)) > 0 || carried > 0)
            {
                var length = carried + read;
                var final = read == 0;
                var status = Utf8.ToUtf16(bytes.AsSpan(0, length), chars, out var consumed, out var written, replaceInvalidSequences: false, isFinalBlock: final);
                beyondAscii |= chars.AsSpan(0, written).ContainsAnyExceptInRange('\0', '\u007f');
                line += bytes.AsSpan(0, consumed).Count((byte)'\n');
                if (status == OperationStatus.InvalidData) return new Scanned(line, beyondAscii);
                if (final) break;
                carried = length - consumed; // the start of a sequence the next read completes
                bytes.AsSpan(consumed, carried).CopyTo(bytes);
            }
            return new Scanned(null, beyondAscii);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The file's text (a UTF-8 byte order mark is skipped); <see cref="InvalidDataException"/> naming the line of a byte that is not UTF-8.</summary>
    public static string ReadAllText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var text = bytes.AsSpan();
        try
        {
            return Strict.GetString(text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? text[3..] : text);
        }
        catch (DecoderFallbackException)
        {
            // Only then is the file scanned, for the line to name.
            using var stream = new MemoryStream(bytes, writable: false);
            throw new InvalidDataException($"line {Scan(stream).InvalidLine} is not UTF-8 text: save the file as UTF-8.");
        }
    }
}
