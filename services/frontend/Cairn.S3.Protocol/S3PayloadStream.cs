namespace Cairn.S3.Protocol;

/// <summary>
/// Forward-only, verifying view of a request body. ReadAsync throws S3Exception when verification
/// fails, and keeps throwing the same error afterwards, so a caller that retries a read never sees a
/// clean EOF on a body that failed. Only a read returning 0 means the whole body verified.
/// </summary>
public sealed class S3PayloadStream : Stream
{
    private readonly PayloadReader _reader;
    private S3Exception? _failure;
    private bool _completed;

    internal S3PayloadStream(PayloadReader reader, long decodedLength)
    {
        _reader = reader;
        DecodedLength = decodedLength;
    }

    /// <summary>Trailing headers of an aws-chunked body (lower-case names), valid after EOF.</summary>
    public IReadOnlyDictionary<string, string> Trailers => _reader.Trailers;

    /// <summary>The object length the client declared (x-amz-decoded-content-length or Content-Length), -1 if unknown.</summary>
    public long DecodedLength { get; }

    /// <summary>True once a read returned 0 after every check passed.</summary>
    public bool Completed => _completed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_failure is not null)
        {
            throw _failure;
        }

        try
        {
            var n = await _reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0 && !buffer.IsEmpty)
            {
                _completed = true;
            }

            return n;
        }
        catch (S3Exception e)
        {
            _failure = e;
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous reads are for tests and tools; Kestrel bodies are read asynchronously by the frontend.
    public override int Read(byte[] buffer, int offset, int count)
        => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }
}
