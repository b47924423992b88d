namespace Cairn.ErasureCoding;

/// <summary>Small dense matrices over GF(2^8), row-major in a flat array.</summary>
internal static class GfMatrix
{
    /// <summary>
    /// Systematic Cauchy encoding matrix of (k+m) x k: identity on top, then
    /// parity row i, column j = 1 / ((k + i) XOR j). Same as ISA-L's gf_gen_cauchy1_matrix.
    /// </summary>
    public static byte[] CauchySystematic(int k, int m)
    {
        var a = new byte[(k + m) * k];
        for (int i = 0; i < k; i++)
        {
            a[(i * k) + i] = 1;
        }

        for (int i = k; i < k + m; i++)
        {
            for (int j = 0; j < k; j++)
            {
                a[(i * k) + j] = GaloisField.Inverse((byte)(i ^ j));
            }
        }

        return a;
    }

    /// <summary>
    /// Systematic Cauchy matrix normalised by column and row scaling (which keeps every square submatrix
    /// nonsingular, so the code stays MDS): the first parity row is all ones (plain XOR parity) and every
    /// parity row's first coefficient is 1.
    /// </summary>
    public static byte[] NormalizedCauchySystematic(int k, int m)
    {
        byte[] a = CauchySystematic(k, m);
        if (m == 0)
        {
            return a;
        }

        for (int j = 0; j < k; j++)
        {
            byte s = GaloisField.Inverse(a[(k * k) + j]);
            for (int i = k; i < k + m; i++)
            {
                a[(i * k) + j] = GaloisField.Mul(a[(i * k) + j], s);
            }
        }

        for (int i = k + 1; i < k + m; i++)
        {
            byte s = GaloisField.Inverse(a[i * k]);
            for (int j = 0; j < k; j++)
            {
                a[(i * k) + j] = GaloisField.Mul(a[(i * k) + j], s);
            }
        }

        return a;
    }

    /// <summary>Inverts the n x n matrix; returns false when it is singular.</summary>
    public static bool TryInvert(ReadOnlySpan<byte> input, int n, Span<byte> output)
    {
        var work = new byte[n * n];
        input[..(n * n)].CopyTo(work);
        output[..(n * n)].Clear();
        for (int i = 0; i < n; i++)
        {
            output[(i * n) + i] = 1;
        }

        for (int col = 0; col < n; col++)
        {
            int pivot = -1;
            for (int r = col; r < n; r++)
            {
                if (work[(r * n) + col] != 0)
                {
                    pivot = r;
                    break;
                }
            }

            if (pivot < 0)
            {
                return false;
            }

            if (pivot != col)
            {
                for (int c = 0; c < n; c++)
                {
                    (work[(pivot * n) + c], work[(col * n) + c]) = (work[(col * n) + c], work[(pivot * n) + c]);
                    (output[(pivot * n) + c], output[(col * n) + c]) = (output[(col * n) + c], output[(pivot * n) + c]);
                }
            }

            byte inv = GaloisField.Inverse(work[(col * n) + col]);
            for (int c = 0; c < n; c++)
            {
                work[(col * n) + c] = GaloisField.Mul(work[(col * n) + c], inv);
                output[(col * n) + c] = GaloisField.Mul(output[(col * n) + c], inv);
            }

            for (int r = 0; r < n; r++)
            {
                if (r == col)
                {
                    continue;
                }

                byte f = work[(r * n) + col];
                if (f == 0)
                {
                    continue;
                }

                for (int c = 0; c < n; c++)
                {
                    work[(r * n) + c] ^= GaloisField.Mul(f, work[(col * n) + c]);
                    output[(r * n) + c] ^= GaloisField.Mul(f, output[(col * n) + c]);
                }
            }
        }

        return true;
    }

    /// <summary>(a x n) * (n x b) product.</summary>
    public static byte[] Multiply(ReadOnlySpan<byte> left, int rows, int inner, ReadOnlySpan<byte> right, int cols)
    {
        var r = new byte[rows * cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                byte s = 0;
                for (int t = 0; t < inner; t++)
                {
                    s ^= GaloisField.Mul(left[(i * inner) + t], right[(t * cols) + j]);
                }

                r[(i * cols) + j] = s;
            }
        }

        return r;
    }
}
