using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cairn.ErasureCoding;

/// <summary>Compile-time row count for kernel specialisation (the JIT folds the branches away).</summary>
internal interface IRowCount
{
    static abstract int N { get; }
}

internal struct R0 : IRowCount { public static int N => 0; }
internal struct R1 : IRowCount { public static int N => 1; }
internal struct R2 : IRowCount { public static int N => 2; }
internal struct R3 : IRowCount { public static int N => 3; }
internal struct R4 : IRowCount { public static int N => 4; }
internal struct R5 : IRowCount { public static int N => 5; }
internal struct R6 : IRowCount { public static int N => 6; }
internal struct R7 : IRowCount { public static int N => 7; }
internal struct R8 : IRowCount { public static int N => 8; }

/// <summary>
/// Dot-product kernels: outputs[j][p] = XOR_i Matrix[j,i] * inputs[i][p] for p in [0, len).
/// Outputs are overwritten (not accumulated), so a vector tail may overlap the previous vector.
/// Outputs must not alias inputs.
/// </summary>
internal static unsafe class Kernels
{
    /// <summary>Column block processed for every row group before moving on (keeps inputs in L1/L2).</summary>
    internal const int ColumnBlock = 16 * 1024;

    public static void DotProduct(CodingTables t, byte** inputs, byte** outputs, int len)
    {
        if (len <= 0 || t.Rows == 0)
        {
            return;
        }

        if (t.Permutation is int[] perm)
        {
            byte** permuted = stackalloc byte*[t.Rows];
            for (int j = 0; j < t.Rows; j++)
            {
                permuted[j] = outputs[perm[j]];
            }

            outputs = permuted;
        }

        switch (t.Kernel)
        {
            case EcKernel.Scalar:
                Scalar(t.Matrix, t.Rows, t.K, inputs, outputs, 0, len);
                return;
            case EcKernel.Avx2:
                if (len < 32)
                {
                    Scalar(t.Matrix, t.Rows, t.K, inputs, outputs, 0, len);
                    return;
                }

                fixed (byte* tab = t.Nibble)
                {
                    Blocked(t, tab, inputs, outputs, len, 4, &Avx2Group);
                }

                return;
            case EcKernel.Gfni256:
                if (len < 32)
                {
                    Scalar(t.Matrix, t.Rows, t.K, inputs, outputs, 0, len);
                    return;
                }

                fixed (byte* tab = t.Affine)
                {
                    Blocked(t, tab, inputs, outputs, len, 8, &Gfni256Group);
                }

                return;
            case EcKernel.Gfni512:
                if (len < 64)
                {
                    Scalar(t.Matrix, t.Rows, t.K, inputs, outputs, 0, len);
                    return;
                }

                fixed (byte* tab = t.Affine)
                {
                    Blocked(t, tab, inputs, outputs, len, 8, &Gfni512Group);
                }

                return;
            default:
                throw new InvalidOperationException($"Kernel {t.Kernel} has no implementation.");
        }
    }

    /// <summary>
    /// Runs row groups of at most <paramref name="group"/> rows. With a single group the whole length is one pass;
    /// otherwise columns are processed in <see cref="ColumnBlock"/> chunks so every group reuses the cached input block.
    /// </summary>
    private static void Blocked(
        CodingTables t,
        byte* tab,
        byte** inputs,
        byte** outputs,
        int len,
        int group,
        delegate*<byte*, int, byte**, int, byte**, int, nint, nint, int, void> kernel)
    {
        int rows = t.Rows;
        int k = t.K;
        int coeffBytes = t.Kernel == EcKernel.Avx2 ? CodingTables.NibbleBytes : CodingTables.AffineBytes;
        int stride = rows * coeffBytes;
        // Flags: bit 0 = the group's first row is all ones, bit 1 = every row's input-0 coefficient is 1.
        int colFlag = t.OnesFirstColumn ? 2 : 0;
        int firstFlags = colFlag | (t.XorFirstRow ? 1 : 0);
        if (rows <= group)
        {
            kernel(tab, stride, inputs, k, outputs, rows, 0, len, firstFlags);
            return;
        }

        for (nint start = 0; start < len; start += ColumnBlock)
        {
            nint end = Math.Min(len, start + ColumnBlock);
            if (end - start < 64)
            {
                // Keep every piece at least one vector long; the overlapping tail logic needs it.
                start = Math.Max(0, end - 64);
            }

            for (int j0 = 0; j0 < rows; j0 += group)
            {
                int n = Math.Min(group, rows - j0);
                kernel(tab + (j0 * coeffBytes), stride, inputs, k, outputs + j0, n, start, end, j0 == 0 ? firstFlags : colFlag);
            }
        }
    }

    /// <summary>Portable reference using the 256x256 product table.</summary>
    public static void Scalar(byte[] matrix, int rows, int k, byte** inputs, byte** outputs, int start, int end)
    {
        ReadOnlySpan<byte> mul = GaloisField.MulTableSpan;
        for (int j = 0; j < rows; j++)
        {
            byte* o = outputs[j];
            new Span<byte>(o + start, end - start).Clear();
            for (int i = 0; i < k; i++)
            {
                byte c = matrix[(j * k) + i];
                if (c == 0)
                {
                    continue;
                }

                ReadOnlySpan<byte> row = mul.Slice(c << 8, 256);
                byte* src = inputs[i];
                for (int p = start; p < end; p++)
                {
                    o[p] ^= row[src[p]];
                }
            }
        }
    }

    // ---------------------------------------------------------------- AVX2 (vpshufb split tables)

    private static void Avx2Group(byte* tab, int stride, byte** inputs, int k, byte** outputs, int n, nint start, nint end, int flags)
    {
        switch (flags)
        {
            case 0: Avx2Rows<R0, R0>(tab, stride, inputs, k, outputs, n, start, end); break;
            case 1: Avx2Rows<R1, R0>(tab, stride, inputs, k, outputs, n, start, end); break;
            case 2: Avx2Rows<R0, R1>(tab, stride, inputs, k, outputs, n, start, end); break;
            default: Avx2Rows<R1, R1>(tab, stride, inputs, k, outputs, n, start, end); break;
        }
    }

    private static void Avx2Rows<TX, TC>(byte* tab, int stride, byte** inputs, int k, byte** outputs, int n, nint start, nint end)
        where TX : struct, IRowCount
        where TC : struct, IRowCount
    {
        switch (n)
        {
            case 1: Avx2N64<R1, TX, TC>(tab, stride, inputs, k, outputs, start, end); break;
            case 2: Avx2N64<R2, TX, TC>(tab, stride, inputs, k, outputs, start, end); break;
            case 3: Avx2N64<R3, TX, TC>(tab, stride, inputs, k, outputs, start, end); break;
            default: Avx2N64<R4, TX, TC>(tab, stride, inputs, k, outputs, start, end); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Avx2N<TN>(byte* tab, int stride, byte** inputs, int k, byte** outputs, nint start, nint end)
        where TN : struct, IRowCount
    {
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        nint last = end - 32;
        for (nint off = start; ; off += 32)
        {
            if (off > last)
            {
                if (off >= end)
                {
                    break;
                }

                off = last;
            }

            Vector256<byte> a0 = default, a1 = default, a2 = default, a3 = default;
            byte* t = tab;
            for (int i = 0; i < k; i++, t += stride)
            {
                Vector256<byte> x = Vector256.Load(inputs[i] + off);
                Vector256<byte> lo = x & mask;
                Vector256<byte> hi = Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask;
                a0 ^= Avx2.Shuffle(Vector256.Load(t), lo) ^ Avx2.Shuffle(Vector256.Load(t + 32), hi);
                if (TN.N > 1)
                {
                    a1 ^= Avx2.Shuffle(Vector256.Load(t + 64), lo) ^ Avx2.Shuffle(Vector256.Load(t + 96), hi);
                }

                if (TN.N > 2)
                {
                    a2 ^= Avx2.Shuffle(Vector256.Load(t + 128), lo) ^ Avx2.Shuffle(Vector256.Load(t + 160), hi);
                }

                if (TN.N > 3)
                {
                    a3 ^= Avx2.Shuffle(Vector256.Load(t + 192), lo) ^ Avx2.Shuffle(Vector256.Load(t + 224), hi);
                }
            }

            a0.Store(outputs[0] + off);
            if (TN.N > 1)
            {
                a1.Store(outputs[1] + off);
            }

            if (TN.N > 2)
            {
                a2.Store(outputs[2] + off);
            }

            if (TN.N > 3)
            {
                a3.Store(outputs[3] + off);
            }
        }
    }

    /// <summary>a ^= c * x and b ^= c * y for the coefficient whose tables are at t; each table is loaded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mul2(
        Vector256<byte> xl, Vector256<byte> xh, Vector256<byte> yl, Vector256<byte> yh, byte* t, ref Vector256<byte> a, ref Vector256<byte> b)
    {
        Vector256<byte> tl = Vector256.Load(t);
        a ^= Avx2.Shuffle(tl, xl);
        b ^= Avx2.Shuffle(tl, yl);
        Vector256<byte> th = Vector256.Load(t + 32);
        a ^= Avx2.Shuffle(th, xh);
        b ^= Avx2.Shuffle(th, yh);
    }

    /// <summary>
    /// 64 bytes per step: two 32-byte column vectors share one pass over the k input pointers and every table
    /// load (accumulators stay in registers; 8 accumulators + 4 nibble vectors + table + temp fit in 16 ymm).
    /// TX: row 0 is all ones (XOR only). TC: every row's input-0 coefficient is 1 (input 0 initialises the sums).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Avx2N64<TN, TX, TC>(byte* tab, int stride, byte** inputs, int k, byte** outputs, nint start, nint end)
        where TN : struct, IRowCount
        where TX : struct, IRowCount
        where TC : struct, IRowCount
    {
        const int C = CodingTables.NibbleBytes;
        Vector256<byte> mask = Vector256.Create((byte)0x0F);
        nint last = end - 64;
        nint off = start;
        byte* t0 = tab;
        for (; off <= last; off += 64)
        {
            Vector256<byte> a0, a1 = default, a2 = default, a3 = default;
            Vector256<byte> b0, b1 = default, b2 = default, b3 = default;

            // Input 0 initialises the accumulators.
            byte* src = inputs[0] + off;

            Vector256<byte> x = Vector256.Load(src);
            Vector256<byte> y = Vector256.Load(src + 32);
            if (TC.N > 0)
            {
                a0 = x;
                b0 = y;
                if (TN.N > 1) { a1 = x; b1 = y; }
                if (TN.N > 2) { a2 = x; b2 = y; }
                if (TN.N > 3) { a3 = x; b3 = y; }
            }
            else
            {
                Vector256<byte> xl = x & mask;
                Vector256<byte> xh = Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask;
                Vector256<byte> yl = y & mask;
                Vector256<byte> yh = Avx2.ShiftRightLogical(y.AsUInt16(), 4).AsByte() & mask;
                a0 = b0 = a1 = b1 = a2 = b2 = a3 = b3 = default;
                if (TX.N > 0)
                {
                    a0 = x;
                    b0 = y;
                }
                else
                {
                    Mul2(xl, xh, yl, yh, t0, ref a0, ref b0);
                }

                if (TN.N > 1) { Mul2(xl, xh, yl, yh, t0 + C, ref a1, ref b1); }
                if (TN.N > 2) { Mul2(xl, xh, yl, yh, t0 + (2 * C), ref a2, ref b2); }
                if (TN.N > 3) { Mul2(xl, xh, yl, yh, t0 + (3 * C), ref a3, ref b3); }
            }

            byte* t = tab + stride;
            for (int i = 1; i < k; i++, t += stride)
            {
                src = inputs[i] + off;
                x = Vector256.Load(src);
                y = Vector256.Load(src + 32);
                if (TX.N > 0)
                {
                    a0 ^= x;
                    b0 ^= y;
                }

                if (TX.N == 0 || TN.N > 1)
                {
                    // Each table is loaded once and applied to both vectors, then dies: 8 accumulators,
                    // 4 nibble vectors, 1 table and a temporary fit in the 16 ymm registers.
                    Vector256<byte> xl = x & mask;
                    Vector256<byte> xh = Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & mask;
                    Vector256<byte> yl = y & mask;
                    Vector256<byte> yh = Avx2.ShiftRightLogical(y.AsUInt16(), 4).AsByte() & mask;
                    if (TX.N == 0) { Mul2(xl, xh, yl, yh, t, ref a0, ref b0); }
                    if (TN.N > 1) { Mul2(xl, xh, yl, yh, t + C, ref a1, ref b1); }
                    if (TN.N > 2) { Mul2(xl, xh, yl, yh, t + (2 * C), ref a2, ref b2); }
                    if (TN.N > 3) { Mul2(xl, xh, yl, yh, t + (3 * C), ref a3, ref b3); }
                }
            }

            byte* o = outputs[0] + off;
            a0.Store(o);
            b0.Store(o + 32);
            if (TN.N > 1)
            {
                o = outputs[1] + off;
                a1.Store(o);
                b1.Store(o + 32);
            }

            if (TN.N > 2)
            {
                o = outputs[2] + off;
                a2.Store(o);
                b2.Store(o + 32);
            }

            if (TN.N > 3)
            {
                o = outputs[3] + off;
                a3.Store(o);
                b3.Store(o + 32);
            }
        }

        if (off < end)
        {
            // Remaining 1..63 bytes: 32-byte steps, the last one may overlap bytes before off (the piece is >= 32 long).
            Avx2N<TN>(tab, stride, inputs, k, outputs, off, end);
        }
    }

    // ---------------------------------------------------------------- GFNI (affine transform per coefficient)

    private static void Gfni256Group(byte* tab, int stride, byte** inputs, int k, byte** outputs, int n, nint start, nint end, int flags)
    {
        switch (n)
        {
            case 1: Gfni256N<R1>(tab, stride, inputs, k, outputs, start, end); break;
            case 2: Gfni256N<R2>(tab, stride, inputs, k, outputs, start, end); break;
            case 3: Gfni256N<R3>(tab, stride, inputs, k, outputs, start, end); break;
            case 4: Gfni256N<R4>(tab, stride, inputs, k, outputs, start, end); break;
            case 5: Gfni256N<R5>(tab, stride, inputs, k, outputs, start, end); break;
            case 6: Gfni256N<R6>(tab, stride, inputs, k, outputs, start, end); break;
            case 7: Gfni256N<R7>(tab, stride, inputs, k, outputs, start, end); break;
            default: Gfni256N<R8>(tab, stride, inputs, k, outputs, start, end); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Aff256(Vector256<byte> x, byte* m) =>
        Gfni.V256.GaloisFieldAffineTransform(x, Vector256.Load(m), 0);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gfni256N<TN>(byte* tab, int stride, byte** inputs, int k, byte** outputs, nint start, nint end)
        where TN : struct, IRowCount
    {
        const int W = 32;
        const int C = CodingTables.AffineBytes;
        nint last = end - W;
        for (nint off = start; ; off += W)
        {
            if (off > last)
            {
                if (off >= end)
                {
                    break;
                }

                off = last;
            }

            Vector256<byte> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector256<byte> a4 = default, a5 = default, a6 = default, a7 = default;
            byte* t = tab;
            for (int i = 0; i < k; i++, t += stride)
            {
                Vector256<byte> x = Vector256.Load(inputs[i] + off);
                a0 ^= Aff256(x, t);
                if (TN.N > 1) { a1 ^= Aff256(x, t + C); }
                if (TN.N > 2) { a2 ^= Aff256(x, t + (2 * C)); }
                if (TN.N > 3) { a3 ^= Aff256(x, t + (3 * C)); }
                if (TN.N > 4) { a4 ^= Aff256(x, t + (4 * C)); }
                if (TN.N > 5) { a5 ^= Aff256(x, t + (5 * C)); }
                if (TN.N > 6) { a6 ^= Aff256(x, t + (6 * C)); }
                if (TN.N > 7) { a7 ^= Aff256(x, t + (7 * C)); }
            }

            a0.Store(outputs[0] + off);
            if (TN.N > 1) { a1.Store(outputs[1] + off); }
            if (TN.N > 2) { a2.Store(outputs[2] + off); }
            if (TN.N > 3) { a3.Store(outputs[3] + off); }
            if (TN.N > 4) { a4.Store(outputs[4] + off); }
            if (TN.N > 5) { a5.Store(outputs[5] + off); }
            if (TN.N > 6) { a6.Store(outputs[6] + off); }
            if (TN.N > 7) { a7.Store(outputs[7] + off); }
        }
    }

    private static void Gfni512Group(byte* tab, int stride, byte** inputs, int k, byte** outputs, int n, nint start, nint end, int flags)
    {
        switch (n)
        {
            case 1: Gfni512N<R1>(tab, stride, inputs, k, outputs, start, end); break;
            case 2: Gfni512N<R2>(tab, stride, inputs, k, outputs, start, end); break;
            case 3: Gfni512N<R3>(tab, stride, inputs, k, outputs, start, end); break;
            case 4: Gfni512N<R4>(tab, stride, inputs, k, outputs, start, end); break;
            case 5: Gfni512N<R5>(tab, stride, inputs, k, outputs, start, end); break;
            case 6: Gfni512N<R6>(tab, stride, inputs, k, outputs, start, end); break;
            case 7: Gfni512N<R7>(tab, stride, inputs, k, outputs, start, end); break;
            default: Gfni512N<R8>(tab, stride, inputs, k, outputs, start, end); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Aff512(Vector512<byte> x, byte* m) =>
        Gfni.V512.GaloisFieldAffineTransform(x, Vector512.Load(m), 0);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gfni512N<TN>(byte* tab, int stride, byte** inputs, int k, byte** outputs, nint start, nint end)
        where TN : struct, IRowCount
    {
        const int W = 64;
        const int C = CodingTables.AffineBytes;
        nint last = end - W;
        for (nint off = start; ; off += W)
        {
            if (off > last)
            {
                if (off >= end)
                {
                    break;
                }

                off = last;
            }

            Vector512<byte> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector512<byte> a4 = default, a5 = default, a6 = default, a7 = default;
            byte* t = tab;
            for (int i = 0; i < k; i++, t += stride)
            {
                Vector512<byte> x = Vector512.Load(inputs[i] + off);
                a0 ^= Aff512(x, t);
                if (TN.N > 1) { a1 ^= Aff512(x, t + C); }
                if (TN.N > 2) { a2 ^= Aff512(x, t + (2 * C)); }
                if (TN.N > 3) { a3 ^= Aff512(x, t + (3 * C)); }
                if (TN.N > 4) { a4 ^= Aff512(x, t + (4 * C)); }
                if (TN.N > 5) { a5 ^= Aff512(x, t + (5 * C)); }
                if (TN.N > 6) { a6 ^= Aff512(x, t + (6 * C)); }
                if (TN.N > 7) { a7 ^= Aff512(x, t + (7 * C)); }
            }

            a0.Store(outputs[0] + off);
            if (TN.N > 1) { a1.Store(outputs[1] + off); }
            if (TN.N > 2) { a2.Store(outputs[2] + off); }
            if (TN.N > 3) { a3.Store(outputs[3] + off); }
            if (TN.N > 4) { a4.Store(outputs[4] + off); }
            if (TN.N > 5) { a5.Store(outputs[5] + off); }
            if (TN.N > 6) { a6.Store(outputs[6] + off); }
            if (TN.N > 7) { a7.Store(outputs[7] + off); }
        }
    }
}
