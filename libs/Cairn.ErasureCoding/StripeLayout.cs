namespace Cairn.ErasureCoding;

/// <summary>A half-open byte range [Offset, Offset + Length).</summary>
public readonly record struct ByteRange(long Offset, long Length)
{
    /// <summary>Exclusive end.</summary>
    public long End => Offset + Length;
}

/// <summary>The part of one data block (stripe, shard) that a range touches.</summary>
/// <param name="Shard">Data shard index j (0..k-1).</param>
/// <param name="OffsetInBlock">Offset of the first touched byte inside the block.</param>
/// <param name="Length">Number of touched bytes.</param>
/// <param name="ShardOffset">Offset of the first touched byte inside shard j's stored bytes.</param>
/// <param name="ObjectOffset">Object offset of the first touched byte.</param>
public readonly record struct BlockSlice(int Shard, int OffsetInBlock, int Length, long ShardOffset, long ObjectOffset);

/// <summary>The part of one stripe that a range touches.</summary>
/// <param name="Stripe">Stripe index.</param>
/// <param name="BlockSize">Block size b of this stripe (bytes per shard).</param>
/// <param name="ShardOffset">Where this stripe's block starts in every shard (stripe * B).</param>
/// <param name="Object">Object bytes of the range inside this stripe.</param>
/// <param name="Blocks">Data blocks touched, in shard order.</param>
public sealed record StripeSlice(long Stripe, int BlockSize, long ShardOffset, ByteRange Object, IReadOnlyList<BlockSlice> Blocks);

/// <summary>
/// How an object of <see cref="ObjectSize"/> bytes is cut into stripes of k data blocks of
/// <see cref="BlockSize"/> bytes (plus m parity blocks). Every stripe but the last is full; the last
/// holds r = S - (stripes-1)*k*B bytes in blocks of b = ceil(r/k) bytes, zero-padded to k*b for encoding.
/// Stripe i's blocks are stored at offset i*B of every shard.
/// </summary>
public readonly record struct StripeLayout
{
    /// <summary>Creates a layout; <paramref name="blockSize"/> is B, the bytes per shard per full stripe.</summary>
    public StripeLayout(long objectSize, int dataShards, int parityShards, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(objectSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(dataShards, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(parityShards);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ObjectSize = objectSize;
        DataShards = dataShards;
        ParityShards = parityShards;
        BlockSize = blockSize;
        long stripeBytes = (long)dataShards * blockSize;
        StripeCount = objectSize == 0 ? 0 : ((objectSize - 1) / stripeBytes) + 1;
        long r = objectSize == 0 ? 0 : objectSize - ((StripeCount - 1) * stripeBytes);
        LastStripeBytes = r;
        LastBlockSize = (int)((r + dataShards - 1) / dataShards);
    }

    /// <summary>S.</summary>
    public long ObjectSize { get; }

    /// <summary>k.</summary>
    public int DataShards { get; }

    /// <summary>m.</summary>
    public int ParityShards { get; }

    /// <summary>B: bytes per shard in a full stripe.</summary>
    public int BlockSize { get; }

    /// <summary>Object bytes in a full stripe (k * B).</summary>
    public long StripeDataBytes => (long)DataShards * BlockSize;

    /// <summary>ceil(S / (k*B)); 0 for an empty object.</summary>
    public long StripeCount { get; }

    /// <summary>r: object bytes in the last stripe (0 for an empty object).</summary>
    public long LastStripeBytes { get; }

    /// <summary>b = ceil(r / k): block size of the last stripe (0 for an empty object).</summary>
    public int LastBlockSize { get; }

    /// <summary>Bytes stored per shard: (stripes-1)*B + b.</summary>
    public long ShardLength => StripeCount == 0 ? 0 : ((StripeCount - 1) * BlockSize) + LastBlockSize;

    /// <summary>Block size of stripe <paramref name="stripe"/>: B, or b for the last stripe.</summary>
    public int BlockSizeOfStripe(long stripe)
    {
        CheckStripe(stripe);
        return stripe == StripeCount - 1 ? LastBlockSize : BlockSize;
    }

    /// <summary>Offset in every shard's stored bytes where stripe <paramref name="stripe"/> starts.</summary>
    public long ShardOffsetOfStripe(long stripe)
    {
        CheckStripe(stripe);
        return stripe * BlockSize;
    }

    /// <summary>Object bytes held by stripe <paramref name="stripe"/>.</summary>
    public ByteRange StripeRange(long stripe)
    {
        CheckStripe(stripe);
        long start = stripe * StripeDataBytes;
        return new ByteRange(start, stripe == StripeCount - 1 ? LastStripeBytes : StripeDataBytes);
    }

    /// <summary>
    /// Object bytes held by data block (stripe, shard). In the last stripe trailing blocks may be
    /// shorter than b or empty (pure padding).
    /// </summary>
    public ByteRange DataBlockRange(long stripe, int shard)
    {
        ByteRange s = StripeRange(stripe);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, DataShards);
        long b = BlockSizeOfStripe(stripe);
        long startInStripe = Math.Min(s.Length, shard * b);
        long endInStripe = Math.Min(s.Length, (shard + 1) * b);
        return new ByteRange(s.Offset + startInStripe, endInStripe - startInStripe);
    }

    /// <summary>Index of the stripe holding object byte <paramref name="offset"/>.</summary>
    public long StripeOf(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(offset, ObjectSize);
        return offset / StripeDataBytes;
    }

    /// <summary>
    /// Maps the object range [offset, offset + length) to the stripes it touches and, inside each,
    /// the data blocks and byte ranges to read. Empty for length 0.
    /// </summary>
    public IReadOnlyList<StripeSlice> MapRange(long offset, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset > ObjectSize || length > ObjectSize - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "Range extends past the end of the object.");
        }

        var result = new List<StripeSlice>();
        if (length == 0)
        {
            return result;
        }

        long end = offset + length;
        long first = offset / StripeDataBytes;
        long last = (end - 1) / StripeDataBytes;
        for (long s = first; s <= last; s++)
        {
            ByteRange sr = StripeRange(s);
            int b = BlockSizeOfStripe(s);
            long lo = Math.Max(offset, sr.Offset);
            long hi = Math.Min(end, sr.End);
            long inLo = lo - sr.Offset;
            long inHi = hi - sr.Offset;
            int j0 = (int)(inLo / b);
            int j1 = (int)((inHi - 1) / b);
            var blocks = new BlockSlice[j1 - j0 + 1];
            for (int j = j0; j <= j1; j++)
            {
                long blo = Math.Max(inLo, (long)j * b);
                long bhi = Math.Min(inHi, (long)(j + 1) * b);
                int offInBlock = (int)(blo - ((long)j * b));
                blocks[j - j0] = new BlockSlice(
                    j, offInBlock, (int)(bhi - blo), (s * BlockSize) + offInBlock, sr.Offset + blo);
            }

            result.Add(new StripeSlice(s, b, s * BlockSize, new ByteRange(lo, hi - lo), blocks));
        }

        return result;
    }

    private void CheckStripe(long stripe)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stripe);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stripe, StripeCount);
    }
}
