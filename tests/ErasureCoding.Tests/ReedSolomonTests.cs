using CsCheck;

namespace Cairn.ErasureCoding.Tests;

public class ReedSolomonTests
{
    public static TheoryData<EcKernel> SupportedKernels() => KernelTests.SupportedKernels();

    [Theory]
    [MemberData(nameof(SupportedKernels))]
    public void ReedSolomon_Reconstruct_EverySubsetOfKSurvivorsExhaustive(EcKernel kernel)
    {
        (int K, int M)[] shapes = [(1, 0), (1, 1), (1, 3), (2, 1), (2, 2), (3, 2), (4, 2), (5, 3), (6, 3), (4, 4)];
        var rng = new Random(99);
        foreach ((int k, int m) in shapes)
        {
            var rs = new ReedSolomon(k, m, kernel);
            int n = k + m;
            int len = 97;
            byte[][] original = Encode(rs, rng, len);
            for (int mask = 0; mask < 1 << n; mask++)
            {
                if (System.Numerics.BitOperations.PopCount((uint)mask) != k)
                {
                    continue;
                }

                var present = new bool[n];
                var shards = new Memory<byte>[n];
                for (int s = 0; s < n; s++)
                {
                    present[s] = (mask & (1 << s)) != 0;
                    shards[s] = present[s] ? (byte[])original[s].Clone() : new byte[len];
                    if (!present[s])
                    {
                        rng.NextBytes(shards[s].Span); // garbage must be overwritten
                    }
                }

                rs.Reconstruct(shards, present);
                for (int s = 0; s < n; s++)
                {
                    Assert.True(shards[s].Span.SequenceEqual(original[s]), $"{kernel} k={k} m={m} mask={mask:x} shard {s}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(SupportedKernels))]
    public void ReedSolomon_Reconstruct_EveryKSubsetForRandomShapesProperty(EcKernel kernel)
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[0, 4], Gen.Int[0, 70], Gen.Int).Sample(
            (k, m, len, seed) =>
            {
                var rng = new Random(seed);
                var rs = new ReedSolomon(k, m, kernel);
                int n = k + m;
                byte[][] original = Encode(rs, rng, len);
                for (int mask = 0; mask < 1 << n; mask++)
                {
                    if (System.Numerics.BitOperations.PopCount((uint)mask) != k)
                    {
                        continue;
                    }

                    var present = new bool[n];
                    var shards = new Memory<byte>[n];
                    for (int s = 0; s < n; s++)
                    {
                        present[s] = (mask & (1 << s)) != 0;
                        shards[s] = present[s] ? (byte[])original[s].Clone() : new byte[len];
                    }

                    rs.Reconstruct(shards, present);
                    for (int s = 0; s < n; s++)
                    {
                        Assert.True(shards[s].Span.SequenceEqual(original[s]), $"k={k} m={m} len={len} mask={mask:x} shard {s}");
                    }
                }
            },
            iter: 40);
    }

    [Theory]
    [MemberData(nameof(SupportedKernels))]
    public void ReedSolomon_ReconstructData_RandomShapesProperty(EcKernel kernel)
    {
        Gen.Select(Gen.Int[1, 14], Gen.Int[0, 6], Gen.Int[0, 300], Gen.Int).Sample(
            (k, m, len, seed) =>
            {
                var rng = new Random(seed);
                var rs = new ReedSolomon(k, m, kernel);
                int n = k + m;
                byte[][] original = Encode(rs, rng, len);

                // Erase a random set of at most m shards.
                int[] order = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
                int lost = rng.Next(0, m + 1);
                var present = Enumerable.Repeat(true, n).ToArray();
                var shards = original.Select(s => (Memory<byte>)(byte[])s.Clone()).ToArray();
                for (int i = 0; i < lost; i++)
                {
                    present[order[i]] = false;
                    shards[order[i]] = Memory<byte>.Empty; // a new buffer must be allocated
                }

                rs.ReconstructData(shards, present);
                for (int s = 0; s < k; s++)
                {
                    Assert.True(shards[s].Span.SequenceEqual(original[s]));
                }

                for (int s = k; s < n; s++)
                {
                    if (!present[s])
                    {
                        Assert.Equal(0, shards[s].Length); // parity left alone by ReconstructData
                    }
                }

                rs.Reconstruct(shards, present);
                for (int s = 0; s < n; s++)
                {
                    Assert.True(shards[s].Span.SequenceEqual(original[s]));
                }
            },
            iter: 150);
    }

    [Fact]
    public void ReedSolomon_Reconstruct_MaximumShardCountRandomErasures()
    {
        var rng = new Random(7);
        var rs = new ReedSolomon(200, 55);
        byte[][] original = Encode(rs, rng, 65);
        var present = Enumerable.Repeat(true, 255).ToArray();
        var shards = original.Select(s => (Memory<byte>)(byte[])s.Clone()).ToArray();
        foreach (int s in Enumerable.Range(0, 255).OrderBy(_ => rng.Next()).Take(55))
        {
            present[s] = false;
            shards[s] = new byte[65];
        }

        rs.Reconstruct(shards, present);
        for (int s = 0; s < 255; s++)
        {
            Assert.True(shards[s].Span.SequenceEqual(original[s]), $"shard {s}");
        }
    }

    [Fact]
    public void ReedSolomon_Encode_MatchesNaiveNormalizedCauchyProduct()
    {
        var rng = new Random(3);
        var rs = new ReedSolomon(5, 3);
        byte[] e = rs.GetEncodingMatrix();

        // Normalised Cauchy: parity row 0 is all ones, every parity row starts with 1, and each parity
        // coefficient is a Cauchy entry 1/((5+i) xor j) times a row and a column scale.
        for (int j = 0; j < 5; j++)
        {
            Assert.Equal(1, e[(5 * 5) + j]);
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(1, e[((5 + i) * 5) + 0]);
            for (int j = 0; j < 5; j++)
            {
                byte cauchy = GaloisField.Inverse((byte)((5 + i) ^ j));
                byte rowScale = GaloisField.Div(e[(5 + i) * 5], GaloisField.Inverse((byte)(5 + i)));
                byte colScale = GaloisField.Div(e[(5 * 5) + j], GaloisField.Inverse((byte)(5 ^ j)));
                byte rowScale0 = GaloisField.Div(e[5 * 5], GaloisField.Inverse(5));
                Assert.Equal(
                    GaloisField.Mul(GaloisField.Mul(cauchy, rowScale), GaloisField.Div(colScale, rowScale0)),
                    e[((5 + i) * 5) + j]);
            }
        }

        byte[][] shards = Encode(rs, rng, 50);
        for (int j = 0; j < 3; j++)
        {
            for (int p = 0; p < 50; p++)
            {
                byte s = 0;
                for (int i = 0; i < 5; i++)
                {
                    s ^= GaloisField.Mul(e[((5 + j) * 5) + i], shards[i][p]);
                }

                Assert.Equal(s, shards[5 + j][p]);
            }
        }

        Assert.True(rs.Verify(shards.Select(a => (Memory<byte>)a).ToArray()));
        shards[6][17] ^= 1;
        Assert.False(rs.Verify(shards.Select(a => (Memory<byte>)a).ToArray()));
    }

    [Theory]
    [MemberData(nameof(SupportedKernels))]
    public void ReedSolomon_EncodeAndReconstruct_HotPathDoesNotAllocate(EcKernel kernel)
    {
        var rs = new ReedSolomon(6, 3, kernel);
        byte[][] original = Encode(rs, new Random(11), 4096 + 17);
        ReadOnlyMemory<byte>[] data = original.Take(6).Select(a => (ReadOnlyMemory<byte>)a).ToArray();
        Memory<byte>[] parity = original.Skip(6).Select(a => (Memory<byte>)a).ToArray();
        Memory<byte>[] shards = original.Select(a => (Memory<byte>)(byte[])a.Clone()).ToArray();
        var present = new[] { false, true, false, true, true, true, true, false, true };

        // Warm up: JIT, pools and the decode-matrix cache.
        for (int i = 0; i < 3; i++)
        {
            rs.Encode(data, parity);
            rs.ReconstructData(shards, present);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            rs.Encode(data, parity);
            rs.ReconstructData(shards, present);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(shards[0].Span.SequenceEqual(original[0]));
        Assert.True(shards[2].Span.SequenceEqual(original[2]));
    }

    [Fact]
    public void ReedSolomon_Reconstruct_TooFewShardsThrows()
    {
        var rs = new ReedSolomon(3, 2);
        byte[][] shards = Encode(rs, new Random(1), 10);
        var present = new[] { true, false, true, false, false };
        Assert.Throws<InvalidOperationException>(() => rs.Reconstruct(shards.Select(a => (Memory<byte>)a).ToArray(), present));
    }

    [Fact]
    public void ReedSolomon_Encode_MismatchedLengthsThrow()
    {
        var rs = new ReedSolomon(2, 1);
        Assert.Throws<ArgumentException>(() => rs.Encode(new Memory<byte>[] { new byte[4], new byte[5], new byte[4] }));
        Assert.Throws<ArgumentException>(() => rs.Encode(new Memory<byte>[] { new byte[4], new byte[4] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReedSolomon(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReedSolomon(200, 56));
    }

    [Fact]
    public void ReedSolomon_Reconstruct_CachesOneMatrixPerPattern()
    {
        var rs = new ReedSolomon(4, 2);
        byte[][] original = Encode(rs, new Random(5), 40);
        for (int round = 0; round < 3; round++)
        {
            foreach (int lostShard in new[] { 0, 1 })
            {
                var shards = original.Select(s => (Memory<byte>)(byte[])s.Clone()).ToArray();
                var present = Enumerable.Repeat(true, 6).ToArray();
                present[lostShard] = false;
                shards[lostShard] = new byte[40];
                rs.ReconstructData(shards, present);
                Assert.True(shards[lostShard].Span.SequenceEqual(original[lostShard]));
            }
        }

        Assert.Equal(2, rs.CachedDecodePatterns);
    }

    private static byte[][] Encode(ReedSolomon rs, Random rng, int len)
    {
        var shards = new byte[rs.TotalShards][];
        for (int s = 0; s < shards.Length; s++)
        {
            shards[s] = new byte[len];
            if (s < rs.DataShards)
            {
                rng.NextBytes(shards[s]);
            }
        }

        rs.Encode(shards);
        return shards;
    }
}
