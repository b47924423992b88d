namespace Cairn.ErasureCoding;

/// <summary>
/// Arithmetic in GF(2^8) with the reducing polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), generator 2.
/// </summary>
public static class GaloisField
{
    /// <summary>The reducing polynomial.</summary>
    public const int Polynomial = 0x11D;

    private static readonly byte[] ExpTable = BuildExp();
    private static readonly byte[] LogTable = BuildLog(ExpTable);
    private static readonly byte[] MulTable = BuildMul();

    /// <summary>Full 256x256 product table, row-major: <c>MulTableSpan[a * 256 + b] == a * b</c>.</summary>
    public static ReadOnlySpan<byte> MulTableSpan => MulTable;

    /// <summary>Row of the product table for multiplier <paramref name="a"/>.</summary>
    public static ReadOnlySpan<byte> MulRow(byte a) => new(MulTable, a * 256, 256);

    /// <summary>Addition (and subtraction) in GF(2^8) is XOR.</summary>
    public static byte Add(byte a, byte b) => (byte)(a ^ b);

    /// <summary>Multiplies two field elements.</summary>
    public static byte Mul(byte a, byte b) => MulTable[(a << 8) | b];

    /// <summary>Multiplies by shift-and-reduce, without tables (reference used to check the tables).</summary>
    public static byte MulSlow(byte a, byte b)
    {
        int x = a, y = b, r = 0;
        while (y != 0)
        {
            if ((y & 1) != 0)
            {
                r ^= x;
            }

            x <<= 1;
            if ((x & 0x100) != 0)
            {
                x ^= Polynomial;
            }

            y >>= 1;
        }

        return (byte)r;
    }

    /// <summary>Multiplicative inverse; throws for zero.</summary>
    public static byte Inverse(byte a)
    {
        if (a == 0)
        {
            throw new DivideByZeroException("0 has no inverse in GF(2^8).");
        }

        return ExpTable[255 - LogTable[a]];
    }

    /// <summary>a / b.</summary>
    public static byte Div(byte a, byte b)
    {
        if (b == 0)
        {
            throw new DivideByZeroException("Division by 0 in GF(2^8).");
        }

        if (a == 0)
        {
            return 0;
        }

        int l = LogTable[a] - LogTable[b];
        if (l < 0)
        {
            l += 255;
        }

        return ExpTable[l];
    }

    /// <summary>a raised to the power n (n >= 0).</summary>
    public static byte Pow(byte a, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (n == 0)
        {
            return 1;
        }

        if (a == 0)
        {
            return 0;
        }

        return ExpTable[(int)((long)LogTable[a] * n % 255)];
    }

    /// <summary>2 raised to the power n, 0 &lt;= n &lt; 255.</summary>
    public static byte Exp(int n) => ExpTable[n % 255];

    private static byte[] BuildExp()
    {
        var exp = new byte[256];
        int x = 1;
        for (int i = 0; i < 255; i++)
        {
            exp[i] = (byte)x;
            x <<= 1;
            if ((x & 0x100) != 0)
            {
                x ^= Polynomial;
            }
        }

        exp[255] = exp[0];
        return exp;
    }

    private static byte[] BuildLog(byte[] exp)
    {
        var log = new byte[256];
        for (int i = 0; i < 255; i++)
        {
            log[exp[i]] = (byte)i;
        }

        return log;
    }

    private static byte[] BuildMul()
    {
        var t = new byte[256 * 256];
        for (int a = 1; a < 256; a++)
        {
            for (int b = 1; b < 256; b++)
            {
                int l = LogTable[a] + LogTable[b];
                t[(a << 8) | b] = ExpTable[l % 255];
            }
        }

        return t;
    }
}
