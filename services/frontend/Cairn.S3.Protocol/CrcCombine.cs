namespace Cairn.S3.Protocol;

/// <summary>
/// The CRC of a concatenation from the CRCs of its pieces and their lengths (zlib's crc32_combine, for any
/// reflected CRC whose init and final xor are all ones: CRC32, CRC32C, CRC64NVME). This is how a multipart
/// object gets a FULL_OBJECT checksum without reading its bytes again:
/// crc(A || B) = crc(A) * x^(8|B|) mod P  xor  crc(B).
/// </summary>
public sealed class CrcCombine
{
    public static readonly CrcCombine Crc32 = new(0xEDB88320UL, 32);
    public static readonly CrcCombine Crc32C = new(0x82F63B78UL, 32);
    public static readonly CrcCombine Crc64Nvme = new(0x9A6C9329AC4BC9B5UL, 64);

    private readonly ulong _poly;
    private readonly ulong _top;
    // _powers[k] = x^(2^k) mod P; 67 entries cover any byte length up to 2^63 (k starts at 3: 2^3 bits a byte).
    private readonly ulong[] _powers = new ulong[67];

    private CrcCombine(ulong reflectedPoly, int width)
    {
        _poly = reflectedPoly;
        _top = 1UL << (width - 1);
        _powers[0] = _top >> 1; // x^1 in reflected form (x^0 is the top bit)
        for (var k = 1; k < _powers.Length; k++)
        {
            _powers[k] = Multiply(_powers[k - 1], _powers[k - 1]);
        }
    }

    public static CrcCombine For(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => Crc32,
        ChecksumAlgorithm.Crc32C => Crc32C,
        ChecksumAlgorithm.Crc64Nvme => Crc64Nvme,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Only CRCs combine."),
    };

    /// <summary>The CRC of A followed by B, given crc(A), crc(B) and the length of B in bytes.</summary>
    public ulong Combine(ulong crcA, ulong crcB, long lengthB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lengthB);
        return Multiply(PowerOfXForBytes(lengthB), crcA) ^ crcB;
    }

    /// <summary>x^(8n) mod P.</summary>
    private ulong PowerOfXForBytes(long bytes)
    {
        var result = _top; // x^0
        for (var k = 3; bytes != 0; k++, bytes >>= 1)
        {
            if ((bytes & 1) != 0)
            {
                result = Multiply(_powers[k], result);
            }
        }
        return result;
    }

    /// <summary>a(x) * b(x) mod P, both in reflected bit order.</summary>
    private ulong Multiply(ulong a, ulong b)
    {
        var mask = _top;
        ulong product = 0;
        while (mask != 0)
        {
            if ((a & mask) != 0)
            {
                product ^= b;
            }
            mask >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ _poly : b >> 1;
        }
        return product;
    }
}
