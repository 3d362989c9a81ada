namespace ContactHub.Reports;

/// <summary>
/// A stream that can only be written forward, as a response body is: a zip writer given one streams its entries instead
/// of seeking back to update them. The benchmark's MiniExcel baseline and the export's tests write to one, so that they
/// see the workbook as the export writes it; subclasses say where the bytes go.
/// </summary>
public abstract class WriteOnlyStream : Stream
{
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public abstract override void Write(ReadOnlySpan<byte> buffer);
}
