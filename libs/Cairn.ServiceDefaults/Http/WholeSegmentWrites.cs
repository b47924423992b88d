using System.IO.Pipelines;

namespace Cairn.ServiceDefaults.Http;

/// <summary>
/// Large response writes in one pipe segment each. Kestrel's PipeWriter.Write and its response Stream copy a
/// block into 4 KiB pool blocks, taking the pipe's lock for each while the socket sender takes it to drain, and
/// counting each block in and out of the pool: for a 1 MiB block that is 256 lock round-trips. Asking the pipe for
/// the whole block at once gets one (array-pool) segment: one lock, one copy.
/// </summary>
public static class WholeSegmentWrites
{
    /// <summary>Copies <paramref name="data"/> into the writer, in one segment when the writer can give one.</summary>
    public static void WriteWhole(this PipeWriter writer, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(writer);
        while (!data.IsEmpty)
        {
            var into = writer.GetSpan(data.Length);
            var n = Math.Min(into.Length, data.Length);
            data[..n].CopyTo(into);
            writer.Advance(n);
            data = data[n..];
        }
    }

    /// <summary>
    /// A write-only Stream over a response PipeWriter whose every write is a whole-segment write and a flush;
    /// <paramref name="start"/> (the response's StartAsync) puts the status line in the pipe before the first write.
    /// </summary>
    public static WholeSegmentStream AsWholeSegmentStream(this PipeWriter writer, Func<CancellationToken, Task>? start = null) => new(writer, start);
}

/// <summary>
/// A write-only Stream over a response PipeWriter whose every write is a whole-segment write and a flush. Before the
/// first write the response is started (its StartAsync when given, which writes the status line into the pipe without
/// sending it, else a flush of the empty writer): Kestrel holds bytes written before the status line in a side buffer
/// and copies them over in 4 KiB blocks once it writes the headers, which would undo the point for the first block.
/// Once started, a producer can also fill the writer's memory in place (<see cref="Writer"/>'s GetMemory, then
/// <see cref="AdvanceAndFlushAsync"/>), saving the copy.
/// </summary>
public sealed class WholeSegmentStream(PipeWriter writer, Func<CancellationToken, Task>? start = null) : Stream
{
    /// <summary>The underlying writer, for in-place fills once <see cref="Started"/>.</summary>
    public PipeWriter Writer => writer;

    /// <summary>Whether the first write has gone out (before that, memory from Kestrel's writer is a side buffer).</summary>
    public bool Started { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Commits <paramref name="bytes"/> filled in place in <see cref="Writer"/>'s memory and flushes them.</summary>
    public async ValueTask AdvanceAndFlushAsync(int bytes, CancellationToken ct)
    {
        writer.Advance(bytes);
        await FlushOrThrowAsync(ct);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!Started)
        {
            Started = true;
            if (start is not null)
            {
                await start(cancellationToken);
            }
            else
            {
                await FlushOrThrowAsync(cancellationToken);
            }
        }

        writer.WriteWhole(buffer.Span);
        // The flush is where the pipe applies back-pressure (Kestrel's response buffer limit).
        await FlushOrThrowAsync(cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("response bodies are written asynchronously");

    public override async Task FlushAsync(CancellationToken cancellationToken) => await writer.FlushAsync(cancellationToken);

    public override void Flush() => throw new NotSupportedException("response bodies are flushed asynchronously");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async ValueTask FlushOrThrowAsync(CancellationToken ct)
    {
        if ((await writer.FlushAsync(ct)).IsCanceled)
        {
            throw new OperationCanceledException(ct);
        }
    }
}
