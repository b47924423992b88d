using CsCheck;

namespace Cairn.ErasureCoding.Tests;

public class StripeLayoutTests
{
    [Fact]
    public void StripeLayout_Constructor_EmptyObjectHasNoStripes()
    {
        var l = new StripeLayout(0, 4, 2, 1024);
        Assert.Equal(0, l.StripeCount);
        Assert.Equal(0, l.ShardLength);
        Assert.Empty(l.MapRange(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => l.BlockSizeOfStripe(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MapRange(0, 1));
    }

    [Fact]
    public void StripeLayout_Constructor_OneByteObject()
    {
        var l = new StripeLayout(1, 4, 2, 1024);
        Assert.Equal(1, l.StripeCount);
        Assert.Equal(1, l.BlockSizeOfStripe(0));
        Assert.Equal(1, l.ShardLength);
        Assert.Equal(new ByteRange(0, 1), l.StripeRange(0));
        Assert.Equal(new ByteRange(0, 1), l.DataBlockRange(0, 0));
        Assert.Equal(0, l.DataBlockRange(0, 3).Length);
        StripeSlice s = Assert.Single(l.MapRange(0, 1));
        BlockSlice b = Assert.Single(s.Blocks);
        Assert.Equal(new BlockSlice(0, 0, 1, 0, 0), b);
    }

    [Theory]
    [InlineData(4, 1024, -1, 1, 1024, 1024 * 1)] // k*B-1: one full-width stripe with b = B
    [InlineData(4, 1024, 0, 1, 1024, 1024)]
    [InlineData(4, 1024, 1, 2, 1, 1025)]
    [InlineData(3, 100, -1, 1, 100, 100)]
    [InlineData(3, 100, 0, 1, 100, 100)]
    [InlineData(3, 100, 1, 2, 1, 101)]
    [InlineData(1, 7, 1, 2, 1, 8)]
    public void StripeLayout_Constructor_SizesAroundStripeBoundary(int k, int b, int delta, long stripes, int lastBlock, long shardLength)
    {
        long size = ((long)k * b) + delta;
        var l = new StripeLayout(size, k, 2, b);
        Assert.Equal(stripes, l.StripeCount);
        Assert.Equal(lastBlock, l.BlockSizeOfStripe(stripes - 1));
        Assert.Equal(shardLength, l.ShardLength);
        Assert.Equal(size, Enumerable.Range(0, (int)stripes).Sum(s => l.StripeRange(s).Length));
    }

    [Fact]
    public void StripeLayout_BlockSizeOfStripe_LastStripeRoundsUp()
    {
        // k=4, B=10: 2 full stripes (80 bytes) + r=13 -> b=ceil(13/4)=4, blocks hold 4,4,4,1.
        var l = new StripeLayout(93, 4, 2, 10);
        Assert.Equal(3, l.StripeCount);
        Assert.Equal(10, l.BlockSizeOfStripe(0));
        Assert.Equal(4, l.BlockSizeOfStripe(2));
        Assert.Equal(24, l.ShardLength);
        Assert.Equal(new ByteRange(80, 13), l.StripeRange(2));
        Assert.Equal(new ByteRange(92, 1), l.DataBlockRange(2, 3));
        Assert.Equal(new ByteRange(84, 4), l.DataBlockRange(2, 1));
        Assert.Equal(new ByteRange(30, 10), l.DataBlockRange(0, 3));
        Assert.Equal(20, l.ShardOffsetOfStripe(2));
    }

    [Fact]
    public void StripeLayout_MapRange_AcrossStripesMatchesNaiveProperty()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[1, 9], Gen.Long[0, 200], Gen.Int).Sample(
            (k, b, size, seed) =>
            {
                var l = new StripeLayout(size, k, 1, b);
                var rng = new Random(seed);
                long off = size == 0 ? 0 : rng.NextInt64(0, size + 1);
                long len = rng.NextInt64(0, size - off + 1);
                CheckAgainstNaive(l, off, len);
            },
            iter: 2000);
    }

    [Fact]
    public void StripeLayout_MapRange_WholeObjectExhaustiveSmall()
    {
        for (int k = 1; k <= 4; k++)
        {
            for (int b = 1; b <= 4; b++)
            {
                for (long size = 0; size <= 3 * k * b + 2; size++)
                {
                    var l = new StripeLayout(size, k, 2, b);
                    CheckAgainstNaive(l, 0, size);
                    CheckBlocksPartitionObject(l);
                    for (long off = 0; off < size; off++)
                    {
                        CheckAgainstNaive(l, off, size - off);
                        CheckAgainstNaive(l, off, 1);
                    }
                }
            }
        }
    }

    [Fact]
    public void StripeLayout_MapRange_OnlyTouchedStripesAreReturned()
    {
        var l = new StripeLayout(10L * 4 * 1024 * 1024, 4, 2, 1 << 20); // 10 full stripes of 4 MiB
        IReadOnlyList<StripeSlice> r = l.MapRange((4L << 20) - 1, 2);
        Assert.Equal([0L, 1L], r.Select(s => s.Stripe));
        Assert.Equal(new BlockSlice(3, (1 << 20) - 1, 1, (1 << 20) - 1, (4L << 20) - 1), Assert.Single(r[0].Blocks));
        Assert.Equal(new BlockSlice(0, 0, 1, 1 << 20, 4L << 20), Assert.Single(r[1].Blocks));
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MapRange(l.ObjectSize, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MapRange(-1, 1));
    }

    private static void CheckBlocksPartitionObject(StripeLayout l)
    {
        long next = 0;
        for (long s = 0; s < l.StripeCount; s++)
        {
            for (int j = 0; j < l.DataShards; j++)
            {
                ByteRange r = l.DataBlockRange(s, j);
                Assert.Equal(next, r.Offset);
                Assert.InRange(r.Length, 0, l.BlockSizeOfStripe(s));
                next = r.End;
            }
        }

        Assert.Equal(l.ObjectSize, next);
    }

    /// <summary>Naive byte-by-byte model: where does object byte x live?</summary>
    private static (long Stripe, int Shard, int InBlock, long ShardOffset) Locate(StripeLayout l, long x)
    {
        long stripeBytes = (long)l.DataShards * l.BlockSize;
        long stripes = (l.ObjectSize + stripeBytes - 1) / stripeBytes;
        long s = x / stripeBytes;
        long inStripe = x - (s * stripeBytes);
        long r = l.ObjectSize - ((stripes - 1) * stripeBytes);
        long b = s == stripes - 1 ? (r + l.DataShards - 1) / l.DataShards : l.BlockSize;
        int shard = (int)(inStripe / b);
        int inBlock = (int)(inStripe % b);
        return (s, shard, inBlock, (s * l.BlockSize) + inBlock);
    }

    private static void CheckAgainstNaive(StripeLayout l, long off, long len)
    {
        IReadOnlyList<StripeSlice> slices = l.MapRange(off, len);
        long x = off;
        long prevStripe = -1;
        foreach (StripeSlice s in slices)
        {
            Assert.True(s.Stripe > prevStripe);
            prevStripe = s.Stripe;
            Assert.Equal(l.BlockSizeOfStripe(s.Stripe), s.BlockSize);
            Assert.Equal(x, s.Object.Offset);
            Assert.NotEmpty(s.Blocks);
            foreach (BlockSlice b in s.Blocks)
            {
                Assert.True(b.Length > 0);
                Assert.Equal(x, b.ObjectOffset);
                for (int i = 0; i < b.Length; i++, x++)
                {
                    var naive = Locate(l, x);
                    Assert.Equal(naive, (s.Stripe, b.Shard, b.OffsetInBlock + i, b.ShardOffset + i));
                    Assert.True(b.ShardOffset + i < l.ShardLength);
                }
            }

            Assert.Equal(x, s.Object.End);
        }

        Assert.Equal(off + len, x);
    }
}
