namespace Cairn.ErasureCoding.Tests;

public unsafe class KernelTests
{
    public static readonly int[] Sizes = [0, 1, 7, 31, 32, 33, 63, 64, 65, 95, 127, 129, 4095, 4096, 16385, 100_003];

    public static TheoryData<EcKernel> SupportedKernels()
    {
        var d = new TheoryData<EcKernel>();
        foreach (EcKernel k in EcKernels.Supported)
        {
            d.Add(k);
        }

        return d;
    }

    [Fact]
    public void CodingTables_AffineMatrix_EmulatedInstructionMatchesMulExhaustively()
    {
        for (int c = 0; c < 256; c++)
        {
            ulong m = CodingTables.AffineMatrix((byte)c);
            for (int x = 0; x < 256; x++)
            {
                Assert.Equal(GaloisField.Mul((byte)c, (byte)x), CodingTables.AffineApply(m, (byte)x));
            }
        }
    }

    [Fact]
    public void CodingTables_NibbleTable_LowXorHighMatchesMulExhaustively()
    {
        var t = new byte[64];
        for (int c = 0; c < 256; c++)
        {
            CodingTables.WriteNibbleTable((byte)c, t);
            for (int x = 0; x < 256; x++)
            {
                Assert.Equal(GaloisField.Mul((byte)c, (byte)x), (byte)(t[x & 15] ^ t[32 + (x >> 4)]));
                Assert.Equal(t[x & 15], t[16 + (x & 15)]);
            }
        }
    }

    [Fact]
    public void EcKernels_Parse_AcceptsNamesAndRejectsUnknown()
    {
        Assert.Equal(EcKernel.Scalar, EcKernels.Parse("scalar"));
        Assert.Equal(EcKernel.Avx2, EcKernels.Parse("AVX2"));
        Assert.Equal(EcKernel.Gfni256, EcKernels.Parse("gfni256"));
        Assert.Equal(EcKernel.Gfni512, EcKernels.Parse("gfni512"));
        Assert.Equal(EcKernel.Auto, EcKernels.Parse(""));
        Assert.Throws<ArgumentException>(() => EcKernels.Parse("sse9"));
        Assert.True(EcKernels.IsSupported(EcKernel.Scalar));
        Assert.Contains(EcKernels.Default, EcKernels.Supported);
        Assert.Contains(EcKernels.Fastest, EcKernels.Supported);
    }

    [Fact]
    public void EcKernels_ResolveEnvironmentValue_ForcesNamedKernel()
    {
        Assert.Equal(EcKernels.Fastest, EcKernels.ResolveEnvironmentValue(null));
        Assert.Equal(EcKernels.Fastest, EcKernels.ResolveEnvironmentValue(" "));
        Assert.Equal(EcKernels.Fastest, EcKernels.ResolveEnvironmentValue("auto"));
        Assert.Equal(EcKernel.Scalar, EcKernels.ResolveEnvironmentValue("scalar"));
        foreach ((string name, EcKernel k) in new[] { ("avx2", EcKernel.Avx2), ("gfni256", EcKernel.Gfni256), ("gfni512", EcKernel.Gfni512) })
        {
            if (EcKernels.IsSupported(k))
            {
                Assert.Equal(k, EcKernels.ResolveEnvironmentValue(name));
            }
            else
            {
                Assert.Throws<PlatformNotSupportedException>(() => EcKernels.ResolveEnvironmentValue(name));
            }
        }

        Assert.Throws<ArgumentException>(() => EcKernels.ResolveEnvironmentValue("fast"));
    }

    [Fact]
    public void EcKernels_Resolve_UnsupportedThrows()
    {
        foreach (EcKernel k in new[] { EcKernel.Avx2, EcKernel.Gfni256, EcKernel.Gfni512 })
        {
            if (!EcKernels.IsSupported(k))
            {
                Assert.Throws<PlatformNotSupportedException>(() => new ReedSolomon(4, 2, k));
            }
            else
            {
                Assert.Equal(k, new ReedSolomon(4, 2, k).Kernel);
            }
        }
    }

    [Theory]
    [MemberData(nameof(SupportedKernels))]
    public void Kernels_DotProduct_MatchesScalarReferenceOnOddSizes(EcKernel kernel)
    {
        var rng = new Random(1234 + (int)kernel);
        (int K, int Rows)[] shapes = [(1, 1), (3, 2), (4, 3), (5, 4), (2, 5), (7, 8), (3, 9), (10, 13)];
        foreach (((int k, int rows), int flavor) in shapes.SelectMany(s => new[] { (s, 0), (s, 1), (s, 2) }))
        {
            var matrix = new byte[rows * k];
            rng.NextBytes(matrix);
            matrix[0] = 0; // zero and one coefficients are special cases for some kernels
            if (matrix.Length > 1)
            {
                matrix[1] = 1;
            }

            if (flavor >= 1)
            {
                // An all-ones (XOR) row somewhere other than first: exercises the row permutation and XOR path.
                matrix.AsSpan((rows / 2) * k, k).Fill(1);
            }

            if (flavor == 2)
            {
                // Every row starts with 1 (normalised Cauchy shape) and row 0 is XOR.
                for (int j = 0; j < rows; j++)
                {
                    matrix[j * k] = 1;
                }

                matrix.AsSpan(0, k).Fill(1);
            }

            var tables = new CodingTables(matrix, rows, k, kernel);
            Assert.Equal(flavor >= 1, tables.XorFirstRow);
            foreach (int len in Sizes)
            {
                if (len > 20_000 && (flavor != 0 || k * rows > 12))
                {
                    continue; // keep the suite quick: the biggest size runs on the small shapes only
                }

                int misalign = rng.Next(0, 5);
                byte[][] inBufs = Enumerable.Range(0, k).Select(_ => RandomBytes(rng, len + misalign)).ToArray();
                byte[][] outBufs = Enumerable.Range(0, rows).Select(_ => RandomBytes(rng, len + misalign + 1)).ToArray();
                byte[][] expected = Reference(matrix, rows, k, inBufs, misalign, len);
                Run(tables, inBufs, outBufs, misalign, len);
                for (int j = 0; j < rows; j++)
                {
                    Assert.True(
                        expected[j].AsSpan().SequenceEqual(outBufs[j].AsSpan(misalign, len)),
                        $"kernel {kernel} k={k} rows={rows} flavor={flavor} len={len} misalign={misalign} row {j}");
                }
            }
        }
    }

    private static byte[] RandomBytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    private static byte[][] Reference(byte[] matrix, int rows, int k, byte[][] inputs, int offset, int len)
    {
        var r = new byte[rows][];
        for (int j = 0; j < rows; j++)
        {
            r[j] = new byte[len];
            for (int p = 0; p < len; p++)
            {
                byte s = 0;
                for (int i = 0; i < k; i++)
                {
                    s ^= GaloisField.Mul(matrix[(j * k) + i], inputs[i][offset + p]);
                }

                r[j][p] = s;
            }
        }

        return r;
    }

    private static void Run(CodingTables t, byte[][] inputs, byte[][] outputs, int offset, int len)
    {
        var handles = new System.Runtime.InteropServices.GCHandle[inputs.Length + outputs.Length];
        try
        {
            byte** ins = stackalloc byte*[inputs.Length];
            byte** outs = stackalloc byte*[outputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                handles[i] = System.Runtime.InteropServices.GCHandle.Alloc(inputs[i], System.Runtime.InteropServices.GCHandleType.Pinned);
                ins[i] = (byte*)handles[i].AddrOfPinnedObject() + offset;
            }

            for (int j = 0; j < outputs.Length; j++)
            {
                handles[inputs.Length + j] = System.Runtime.InteropServices.GCHandle.Alloc(outputs[j], System.Runtime.InteropServices.GCHandleType.Pinned);
                outs[j] = (byte*)handles[inputs.Length + j].AddrOfPinnedObject() + offset;
            }

            Kernels.DotProduct(t, ins, outs, len);
        }
        finally
        {
            foreach (var h in handles)
            {
                if (h.IsAllocated)
                {
                    h.Free();
                }
            }
        }
    }
}
