using System.Diagnostics.CodeAnalysis;

namespace Cairn.S3.Protocol;

/// <summary>Names, header names and multipart composition of the S3 additional checksums.</summary>
public static class S3Checksums
{
    private const string HeaderPrefix = "x-amz-checksum-";

    /// <summary>Accepts "CRC32", "crc32c", "CRC64NVME", "SHA256" or a header name "x-amz-checksum-sha1".</summary>
    public static bool TryParseAlgorithm(string name, out ChecksumAlgorithm alg)
    {
        alg = default;
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        var n = name.AsSpan().Trim();
        if (n.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
        {
            n = n[HeaderPrefix.Length..];
        }

        if (n.Equals("crc32", StringComparison.OrdinalIgnoreCase))
        {
            alg = ChecksumAlgorithm.Crc32;
        }
        else if (n.Equals("crc32c", StringComparison.OrdinalIgnoreCase))
        {
            alg = ChecksumAlgorithm.Crc32C;
        }
        else if (n.Equals("crc64nvme", StringComparison.OrdinalIgnoreCase))
        {
            alg = ChecksumAlgorithm.Crc64Nvme;
        }
        else if (n.Equals("sha1", StringComparison.OrdinalIgnoreCase))
        {
            alg = ChecksumAlgorithm.Sha1;
        }
        else if (n.Equals("sha256", StringComparison.OrdinalIgnoreCase))
        {
            alg = ChecksumAlgorithm.Sha256;
        }
        else
        {
            return false;
        }

        return true;
    }

    public static string HeaderName(ChecksumAlgorithm alg) => HeaderPrefix + Name(alg).ToLowerInvariant();

    public static string Name(ChecksumAlgorithm alg) => alg switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        ChecksumAlgorithm.Sha256 => "SHA256",
        _ => throw new ArgumentOutOfRangeException(nameof(alg), alg, "Unknown checksum algorithm."),
    };

    /// <summary>Digest length in bytes, used to validate a client-supplied base64 value.</summary>
    public static int Length(ChecksumAlgorithm alg) => alg switch
    {
        ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C => 4,
        ChecksumAlgorithm.Crc64Nvme => 8,
        ChecksumAlgorithm.Sha1 => 20,
        ChecksumAlgorithm.Sha256 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(alg), alg, "Unknown checksum algorithm."),
    };

    /// <summary>True when <paramref name="base64"/> decodes to exactly the digest length of <paramref name="alg"/>.</summary>
    public static bool TryDecode(ChecksumAlgorithm alg, string? base64, [NotNullWhen(true)] out byte[]? digest)
    {
        digest = null;
        if (string.IsNullOrEmpty(base64))
        {
            return false;
        }

        Span<byte> buf = stackalloc byte[32];
        if (!Convert.TryFromBase64String(base64, buf, out var written) || written != Length(alg))
        {
            return false;
        }

        digest = buf[..written].ToArray();
        return true;
    }

    /// <summary>
    /// Multipart "checksum of checksums": the algorithm applied to the concatenated binary part
    /// digests, base64, suffixed with "-N" (N = number of parts), as S3 reports for COMPOSITE objects.
    /// Throws InvalidDigest (400) when a part checksum is not valid base64 of the right length.
    /// </summary>
    public static string Composite(ChecksumAlgorithm alg, IEnumerable<string> partChecksumsBase64)
    {
        ArgumentNullException.ThrowIfNull(partChecksumsBase64);
        using var calc = ChecksumCalculator.Create(alg);
        var parts = 0;
        foreach (var part in partChecksumsBase64)
        {
            if (!TryDecode(alg, part, out var digest))
            {
                throw S3Errors.InvalidDigest($"Part checksum '{part}' is not a valid {Name(alg)} value.");
            }

            calc.Append(digest);
            parts++;
        }

        return $"{calc.GetBase64()}-{parts}";
    }

    /// <summary>
    /// Multipart FULL_OBJECT checksum: the CRC of the whole object, combined from the parts' CRCs and sizes in
    /// part order (no "-N" suffix: it is the same value a single PUT of those bytes would have).
    /// </summary>
    public static string FullObject(ChecksumAlgorithm alg, IEnumerable<(string Base64, long Size)> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var combiner = CrcCombine.For(alg);
        var width = Length(alg);
        ulong crc = 0;
        var first = true;
        foreach (var (base64, size) in parts)
        {
            if (!TryDecode(alg, base64, out var digest))
            {
                throw S3Errors.InvalidDigest($"Part checksum '{base64}' is not a valid {Name(alg)} value.");
            }

            var value = width == 4 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(digest) : System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(digest);
            crc = first ? value : combiner.Combine(crc, value, size);
            first = false;
        }

        var bytes = new byte[width];
        if (width == 4)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)crc);
        }
        else
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, crc);
        }

        return Convert.ToBase64String(bytes);
    }

    /// <summary>
    /// Checks a client-supplied checksum (header or trailer) against what was computed:
    /// malformed → InvalidDigest, different → BadDigest (both 400).
    /// </summary>
    public static void Verify(ChecksumCalculator computed, string? expectedBase64)
    {
        ArgumentNullException.ThrowIfNull(computed);
        if (!TryDecode(computed.Algorithm, expectedBase64, out var expected))
        {
            throw S3Errors.InvalidDigest($"The {Name(computed.Algorithm)} checksum '{expectedBase64}' is not valid.");
        }

        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, computed.GetBytes()))
        {
            throw S3Errors.BadDigest($"The {Name(computed.Algorithm)} you specified did not match the calculated checksum.");
        }
    }

    /// <summary>Decodes a Content-MD5 header (base64 of 16 bytes); anything else is InvalidDigest.</summary>
    public static byte[] ParseContentMd5(string headerValue)
    {
        Span<byte> buf = stackalloc byte[16];
        if (string.IsNullOrEmpty(headerValue) || !Convert.TryFromBase64String(headerValue.Trim(), buf, out var n) || n != 16)
        {
            throw S3Errors.InvalidDigest();
        }

        return buf.ToArray();
    }

    /// <summary>Compares the body's MD5 with a Content-MD5 header: malformed → InvalidDigest, different → BadDigest.</summary>
    public static void VerifyContentMd5(string headerValue, ReadOnlySpan<byte> computedMd5)
    {
        if (!computedMd5.SequenceEqual(ParseContentMd5(headerValue)))
        {
            throw S3Errors.BadDigest();
        }
    }
}
