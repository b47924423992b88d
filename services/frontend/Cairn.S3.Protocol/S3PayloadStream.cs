namespace Cairn.S3.Protocol;

/// <summary>Forward-only, verifying view of a request body.</summary>
public sealed class S3PayloadStream : Stream
{
    internal S3PayloadStream()
    {
    }

    public IReadOnlyDictionary<string, string> Trailers { get; } = new Dictionary<string, string>();

    public long DecodedLength { get; } = -1;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
