namespace Cairn.ErasureCoding;

/// <summary>
/// A rows x k coefficient matrix expanded into the lookup form one kernel needs.
/// Table memory is allocated on the pinned object heap so kernels can use raw pointers.
/// </summary>
internal sealed class CodingTables
{
    /// <summary>Bytes per coefficient in <see cref="Nibble"/>: 32 (low-nibble products, both lanes) + 32 (high).</summary>
    public const int NibbleBytes = 64;

    /// <summary>Bytes per coefficient in <see cref="Affine"/>: the 8x8 bit matrix broadcast to 64 bytes.</summary>
    public const int AffineBytes = 64;

    public CodingTables(byte[] matrix, int rows, int k, EcKernel kernel)
    {
        // Put an all-ones row (pure XOR, e.g. the first parity row or a single-erasure decode) first:
        // the AVX2 kernel computes it with XORs only.
        int ones = -1;
        for (int j = 0; j < rows && ones < 0; j++)
        {
            if (matrix.AsSpan(j * k, k).IndexOfAnyExcept((byte)1) < 0)
            {
                ones = j;
            }
        }

        if (ones > 0)
        {
            byte[] swapped = (byte[])matrix.Clone();
            matrix.AsSpan(ones * k, k).CopyTo(swapped.AsSpan(0, k));
            matrix.AsSpan(0, k).CopyTo(swapped.AsSpan(ones * k, k));
            matrix = swapped;
            Permutation = new int[rows];
            for (int j = 0; j < rows; j++)
            {
                Permutation[j] = j;
            }

            Permutation[0] = ones;
            Permutation[ones] = 0;
        }

        XorFirstRow = ones >= 0 && rows > 0;
        bool col0 = rows > 0;
        for (int j = 0; j < rows; j++)
        {
            col0 &= matrix[j * k] == 1;
        }

        OnesFirstColumn = col0;
        Matrix = matrix;
        Rows = rows;
        K = k;
        Kernel = kernel;
        switch (kernel)
        {
            case EcKernel.Avx2:
                Nibble = GC.AllocateUninitializedArray<byte>(Math.Max(1, rows * k * NibbleBytes), pinned: true);
                for (int i = 0; i < k; i++)
                {
                    for (int j = 0; j < rows; j++)
                    {
                        WriteNibbleTable(matrix[(j * k) + i], Nibble.AsSpan(((i * rows) + j) * NibbleBytes, NibbleBytes));
                    }
                }

                break;
            case EcKernel.Gfni256:
            case EcKernel.Gfni512:
                Affine = GC.AllocateUninitializedArray<byte>(Math.Max(1, rows * k * AffineBytes), pinned: true);
                for (int i = 0; i < k; i++)
                {
                    for (int j = 0; j < rows; j++)
                    {
                        ulong a = AffineMatrix(matrix[(j * k) + i]);
                        Span<byte> dst = Affine.AsSpan(((i * rows) + j) * AffineBytes, AffineBytes);
                        for (int q = 0; q < AffineBytes; q += 8)
                        {
                            BitConverter.TryWriteBytes(dst[q..], a);
                        }
                    }
                }

                break;
        }
    }

    /// <summary>Row j of <see cref="Matrix"/> produces caller output Permutation[j] (null: identity).</summary>
    public int[]? Permutation { get; }

    /// <summary>Row 0 of <see cref="Matrix"/> is all ones (a plain XOR of the inputs).</summary>
    public bool XorFirstRow { get; }

    /// <summary>Every row's coefficient for input 0 is 1.</summary>
    public bool OnesFirstColumn { get; }

    /// <summary>Coefficients, row-major rows x k: output j = sum_i Matrix[j*k+i] * input i.</summary>
    public byte[] Matrix { get; }

    public int Rows { get; }

    public int K { get; }

    public EcKernel Kernel { get; }

    /// <summary>Layout [input i][output j][lo 32 | hi 32].</summary>
    public byte[]? Nibble { get; }

    /// <summary>Layout [input i][output j][8-byte matrix x 8].</summary>
    public byte[]? Affine { get; }

    /// <summary>Products of c with every low nibble (bytes 0..15, repeated at 16..31) and high nibble (32..63).</summary>
    public static void WriteNibbleTable(byte c, Span<byte> dst)
    {
        for (int n = 0; n < 16; n++)
        {
            byte lo = GaloisField.Mul(c, (byte)n);
            byte hi = GaloisField.Mul(c, (byte)(n << 4));
            dst[n] = lo;
            dst[n + 16] = lo;
            dst[n + 32] = hi;
            dst[n + 48] = hi;
        }
    }

    /// <summary>
    /// The GF2P8AFFINEQB matrix operand for multiplication by <paramref name="c"/>:
    /// result bit i = parity(matrix.byte[7 - i] AND x), so byte[7 - i] holds, at bit t, bit i of c * 2^t.
    /// </summary>
    public static ulong AffineMatrix(byte c)
    {
        ulong m = 0;
        for (int i = 0; i < 8; i++)
        {
            int row = 0;
            for (int t = 0; t < 8; t++)
            {
                if (((GaloisField.Mul(c, (byte)(1 << t)) >> i) & 1) != 0)
                {
                    row |= 1 << t;
                }
            }

            m |= (ulong)row << (8 * (7 - i));
        }

        return m;
    }

    /// <summary>Software model of GF2P8AFFINEQB on one byte with imm8 = 0 (used to check matrices).</summary>
    public static byte AffineApply(ulong matrix, byte x)
    {
        int r = 0;
        for (int i = 0; i < 8; i++)
        {
            byte row = (byte)(matrix >> (8 * (7 - i)));
            r |= (System.Numerics.BitOperations.PopCount((uint)(row & x)) & 1) << i;
        }

        return (byte)r;
    }
}
