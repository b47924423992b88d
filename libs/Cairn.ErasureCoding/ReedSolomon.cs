using System.Buffers;
using System.Collections.Concurrent;

namespace Cairn.ErasureCoding;

/// <summary>
/// Systematic Reed-Solomon codec over GF(2^8) (polynomial 0x11D) with a normalised Cauchy parity matrix
/// (first parity row all ones, i.e. XOR parity; every parity row starts with 1):
/// shards 0..k-1 are the data, k..k+m-1 the parity, and any k of the k+m shards rebuild everything.
/// Thread-safe: instances hold only immutable tables and a concurrent decode-matrix cache.
/// </summary>
public sealed class ReedSolomon
{
    /// <summary>Largest k + m supported.</summary>
    public const int MaxTotalShards = 255;

    private const int MaxCachedPatterns = 4096;

    private readonly byte[] _encodeMatrix; // (k+m) x k, systematic
    private readonly CodingTables _parityTables;
    private readonly ConcurrentDictionary<PatternKey, CodingTables> _decodeCache = new();

    /// <summary>Creates a codec using the default kernel (fastest, or <c>CAIRN_EC_KERNEL</c>).</summary>
    public ReedSolomon(int dataShards, int parityShards)
        : this(dataShards, parityShards, EcKernel.Auto)
    {
    }

    /// <summary>Creates a codec forcing a kernel; throws <see cref="PlatformNotSupportedException"/> if unsupported.</summary>
    public ReedSolomon(int dataShards, int parityShards, EcKernel kernel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dataShards, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(parityShards);
        if (dataShards + parityShards > MaxTotalShards)
        {
            throw new ArgumentOutOfRangeException(nameof(parityShards), "dataShards + parityShards must be <= 255.");
        }

        DataShards = dataShards;
        ParityShards = parityShards;
        Kernel = EcKernels.Resolve(kernel);
        _encodeMatrix = GfMatrix.NormalizedCauchySystematic(dataShards, parityShards);
        _parityTables = new CodingTables(
            _encodeMatrix.AsSpan(dataShards * dataShards).ToArray(), parityShards, dataShards, Kernel);
    }

    /// <summary>k.</summary>
    public int DataShards { get; }

    /// <summary>m.</summary>
    public int ParityShards { get; }

    /// <summary>k + m.</summary>
    public int TotalShards => DataShards + ParityShards;

    /// <summary>The kernel in use.</summary>
    public EcKernel Kernel { get; }

    /// <summary>Number of cached decode matrices (one per erasure pattern seen).</summary>
    public int CachedDecodePatterns => _decodeCache.Count;

    /// <summary>Copy of the (k+m) x k systematic encoding matrix, row-major.</summary>
    public byte[] GetEncodingMatrix() => (byte[])_encodeMatrix.Clone();

    /// <summary>Computes the m parity shards from the k data shards. All shards must have the same length.</summary>
    public unsafe void Encode(ReadOnlySpan<ReadOnlyMemory<byte>> data, ReadOnlySpan<Memory<byte>> parity)
    {
        if (data.Length != DataShards)
        {
            throw new ArgumentException($"Expected {DataShards} data shards, got {data.Length}.", nameof(data));
        }

        if (parity.Length != ParityShards)
        {
            throw new ArgumentException($"Expected {ParityShards} parity shards, got {parity.Length}.", nameof(parity));
        }

        if (ParityShards == 0)
        {
            return;
        }

        int len = data[0].Length;
        for (int i = 1; i < data.Length; i++)
        {
            CheckLength(data[i].Length, len, nameof(data));
        }

        for (int i = 0; i < parity.Length; i++)
        {
            CheckLength(parity[i].Length, len, nameof(parity));
        }

        int total = DataShards + ParityShards;
        MemoryHandle[] handles = ArrayPool<MemoryHandle>.Shared.Rent(total);
        try
        {
            byte** ins = stackalloc byte*[DataShards];
            byte** outs = stackalloc byte*[ParityShards];
            for (int i = 0; i < DataShards; i++)
            {
                handles[i] = data[i].Pin();
                ins[i] = (byte*)handles[i].Pointer;
            }

            for (int j = 0; j < ParityShards; j++)
            {
                handles[DataShards + j] = parity[j].Pin();
                outs[j] = (byte*)handles[DataShards + j].Pointer;
            }

            Kernels.DotProduct(_parityTables, ins, outs, len);
        }
        finally
        {
            for (int i = 0; i < total; i++)
            {
                handles[i].Dispose();
                handles[i] = default;
            }

            ArrayPool<MemoryHandle>.Shared.Return(handles);
        }
    }

    /// <summary>Encodes in place: <paramref name="shards"/> holds k data shards followed by m parity shards.</summary>
    public void Encode(Memory<byte>[] shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Length != TotalShards)
        {
            throw new ArgumentException($"Expected {TotalShards} shards, got {shards.Length}.", nameof(shards));
        }

        ReadOnlyMemory<byte>[] data = ArrayPool<ReadOnlyMemory<byte>>.Shared.Rent(DataShards);
        try
        {
            for (int i = 0; i < DataShards; i++)
            {
                data[i] = shards[i];
            }

            Encode(data.AsSpan(0, DataShards), shards.AsSpan(DataShards));
        }
        finally
        {
            data.AsSpan(0, DataShards).Clear();
            ArrayPool<ReadOnlyMemory<byte>>.Shared.Return(data);
        }
    }

    /// <summary>Encodes in place (array convenience overload).</summary>
    public void Encode(byte[][] shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var mem = new Memory<byte>[shards.Length];
        for (int i = 0; i < shards.Length; i++)
        {
            mem[i] = shards[i];
        }

        Encode(mem);
    }

    /// <summary>True when the parity shards match the data shards.</summary>
    public bool Verify(Memory<byte>[] shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Length != TotalShards)
        {
            throw new ArgumentException($"Expected {TotalShards} shards, got {shards.Length}.", nameof(shards));
        }

        if (ParityShards == 0)
        {
            return true;
        }

        int len = shards[0].Length;
        var data = new ReadOnlyMemory<byte>[DataShards];
        var parity = new Memory<byte>[ParityShards];
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, len * ParityShards));
        try
        {
            for (int i = 0; i < DataShards; i++)
            {
                data[i] = shards[i];
            }

            for (int j = 0; j < ParityShards; j++)
            {
                parity[j] = buffer.AsMemory(j * len, len);
            }

            Encode(data, parity);
            for (int j = 0; j < ParityShards; j++)
            {
                if (!parity[j].Span.SequenceEqual(shards[DataShards + j].Span))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Rebuilds every missing shard (data and parity) from any k present shards.
    /// A missing shard whose buffer is not exactly the shard length is replaced by a new array.
    /// </summary>
    public void Reconstruct(Memory<byte>[] shards, bool[] present) => ReconstructCore(shards, present, dataOnly: false);

    /// <summary>Rebuilds only the missing data shards (parity entries are left untouched).</summary>
    public void ReconstructData(Memory<byte>[] shards, bool[] present) => ReconstructCore(shards, present, dataOnly: true);

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"All shards must have the same length ({expected}); found {actual}.", name);
        }
    }

    private unsafe void ReconstructCore(Memory<byte>[] shards, bool[] present, bool dataOnly)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(present);
        int total = TotalShards;
        int k = DataShards;
        if (shards.Length != total || present.Length != total)
        {
            throw new ArgumentException($"Expected {total} shards and presence flags.", nameof(shards));
        }

        // Pick the first k present shards as sources (data shards first, which keeps the matrix sparse).
        Span<byte> sources = stackalloc byte[k];
        Span<byte> targets = stackalloc byte[total];
        int nSrc = 0, nTgt = 0, len = -1;
        PatternKey key = default;
        for (int s = 0; s < total; s++)
        {
            if (present[s])
            {
                if (len < 0)
                {
                    len = shards[s].Length;
                }
                else
                {
                    CheckLength(shards[s].Length, len, nameof(shards));
                }

                if (nSrc < k)
                {
                    sources[nSrc++] = (byte)s;
                    key.SetSource(s);
                }
            }
            else if (!dataOnly || s < k)
            {
                targets[nTgt++] = (byte)s;
                key.SetTarget(s);
            }
        }

        if (nSrc < k)
        {
            throw new InvalidOperationException($"Too few shards to reconstruct: {nSrc} present, {k} needed.");
        }

        if (nTgt == 0)
        {
            return;
        }

        for (int t = 0; t < nTgt; t++)
        {
            int s = targets[t];
            if (shards[s].Length != len)
            {
                shards[s] = new byte[len];
            }
        }

        CodingTables tables = GetDecodeTables(key, sources, targets[..nTgt]);

        MemoryHandle[] handles = ArrayPool<MemoryHandle>.Shared.Rent(k + nTgt);
        try
        {
            byte** ins = stackalloc byte*[k];
            byte** outs = stackalloc byte*[nTgt];
            for (int i = 0; i < k; i++)
            {
                handles[i] = shards[sources[i]].Pin();
                ins[i] = (byte*)handles[i].Pointer;
            }

            for (int t = 0; t < nTgt; t++)
            {
                handles[k + t] = shards[targets[t]].Pin();
                outs[t] = (byte*)handles[k + t].Pointer;
            }

            Kernels.DotProduct(tables, ins, outs, len);
        }
        finally
        {
            for (int i = 0; i < k + nTgt; i++)
            {
                handles[i].Dispose();
                handles[i] = default;
            }

            ArrayPool<MemoryHandle>.Shared.Return(handles);
        }
    }

    private CodingTables GetDecodeTables(in PatternKey key, ReadOnlySpan<byte> sources, ReadOnlySpan<byte> targets)
    {
        if (_decodeCache.TryGetValue(key, out CodingTables? cached))
        {
            return cached;
        }

        int k = DataShards;
        var sub = new byte[k * k];
        for (int r = 0; r < k; r++)
        {
            Array.Copy(_encodeMatrix, sources[r] * k, sub, r * k, k);
        }

        var inv = new byte[k * k];
        if (!GfMatrix.TryInvert(sub, k, inv))
        {
            throw new InvalidOperationException("Decode matrix is singular; the encoding matrix is not MDS.");
        }

        // Row for target s: E[s] * inv (for data shards E[s] is a unit row, giving inv[s]).
        var rows = new byte[targets.Length * k];
        for (int t = 0; t < targets.Length; t++)
        {
            byte[] row = GfMatrix.Multiply(_encodeMatrix.AsSpan(targets[t] * k, k), 1, k, inv, k);
            row.CopyTo(rows, t * k);
        }

        var tables = new CodingTables(rows, targets.Length, k, Kernel);
        if (_decodeCache.Count >= MaxCachedPatterns)
        {
            _decodeCache.Clear();
        }

        _decodeCache.TryAdd(key, tables);
        return tables;
    }

    /// <summary>Erasure pattern: which shards are used as sources and which are rebuilt (256-bit sets).</summary>
    private record struct PatternKey(ulong S0, ulong S1, ulong S2, ulong S3, ulong T0, ulong T1, ulong T2, ulong T3)
    {
        public void SetSource(int i)
        {
            ulong bit = 1UL << (i & 63);
            switch (i >> 6)
            {
                case 0: S0 |= bit; break;
                case 1: S1 |= bit; break;
                case 2: S2 |= bit; break;
                default: S3 |= bit; break;
            }
        }

        public void SetTarget(int i)
        {
            ulong bit = 1UL << (i & 63);
            switch (i >> 6)
            {
                case 0: T0 |= bit; break;
                case 1: T1 |= bit; break;
                case 2: T2 |= bit; break;
                default: T3 |= bit; break;
            }
        }
    }
}
