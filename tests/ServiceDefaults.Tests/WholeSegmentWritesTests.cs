using System.Buffers;
using System.IO.Pipelines;
using Cairn.ServiceDefaults.Http;

namespace ServiceDefaults.Tests;

public sealed class WholeSegmentWritesTests
{
    [Fact]
    public async Task WriteWhole_LargeBlockThroughAPipeOf4KiBBlocks_LandsInOneSegmentUnchanged()
    {
        var pipe = new Pipe(new PipeOptions(pool: new SmallBlockPool(4096), pauseWriterThreshold: 0));
        var data = RandomBytes(256 * 1024 + 17);

        pipe.Writer.WriteWhole(data);
        await pipe.Writer.FlushAsync();

        var read = await pipe.Reader.ReadAsync();
        Assert.True(read.Buffer.IsSingleSegment, "a whole-segment write must not be split into pool blocks");
        Assert.Equal(data, read.Buffer.ToArray());
    }

    [Fact]
    public void WriteWhole_WriterGivingShortSpans_StillWritesEveryByteInOrder()
    {
        var writer = new ShortSpanWriter(1000);
        var data = RandomBytes(10_007);

        writer.WriteWhole(data);

        Assert.Equal(data, writer.Written.ToArray());
        Assert.True(writer.Advances > 1);
    }

    [Fact]
    public async Task Stream_WritesArriveInOrderAndTheFirstWriteFlushesBeforeAnyByte()
    {
        var writer = new ShortSpanWriter(int.MaxValue);
        var stream = writer.AsWholeSegmentStream();
        var first = RandomBytes(300);
        var second = RandomBytes(70_000);

        await stream.WriteAsync(first);
        await stream.WriteAsync(second);

        Assert.Equal(first.Concat(second).ToArray(), writer.Written.ToArray());
        Assert.Equal(0, writer.BytesAtFlush[0]); // headers go out before the first block is written
        Assert.Equal([0, 300, 70_300], writer.BytesAtFlush);
        Assert.False(stream.CanRead);
    }

    [Fact]
    public async Task Stream_WithAStart_StartsTheResponseOnceBeforeTheFirstByteWithoutAnEmptyFlush()
    {
        var writer = new ShortSpanWriter(int.MaxValue);
        var starts = new List<long>();
        var stream = writer.AsWholeSegmentStream(_ =>
        {
            starts.Add(writer.Written.Length);
            return Task.CompletedTask;
        });

        await stream.WriteAsync(RandomBytes(10));
        await stream.WriteAsync(RandomBytes(20));

        Assert.Equal([0L], starts);
        Assert.Equal([10L, 30L], writer.BytesAtFlush);
        Assert.True(stream.Started);
    }

    private static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        new Random(n).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A pool whose blocks are small, like Kestrel's 4 KiB pinned blocks.</summary>
    private sealed class SmallBlockPool(int blockSize) : MemoryPool<byte>
    {
        public override int MaxBufferSize => blockSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1) => new Owner(new byte[blockSize]);

        protected override void Dispose(bool disposing)
        {
        }

        private sealed class Owner(byte[] array) : IMemoryOwner<byte>
        {
            public Memory<byte> Memory => array;

            public void Dispose()
            {
            }
        }
    }

    /// <summary>A PipeWriter that never hands out more than <c>max</c> bytes at once and records its flushes.</summary>
    private sealed class ShortSpanWriter(int max) : PipeWriter
    {
        private readonly byte[] _scratch = new byte[Math.Min(max, 1 << 20)];

        public MemoryStream Written { get; } = new();

        public List<long> BytesAtFlush { get; } = [];

        public int Advances { get; private set; }

        public override void Advance(int bytes)
        {
            Written.Write(_scratch, 0, bytes);
            Advances++;
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => _scratch;

        public override Span<byte> GetSpan(int sizeHint = 0) => _scratch;

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            BytesAtFlush.Add(Written.Length);
            return ValueTask.FromResult(new FlushResult(false, false));
        }

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }
}
