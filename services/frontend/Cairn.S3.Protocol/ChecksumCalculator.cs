using System.IO.Hashing;
using System.Security.Cryptography;

namespace Cairn.S3.Protocol;

/// <summary>
/// Incremental x-amz-checksum-* computation. CRC32C and CRC64NVME come from System.IO.Hashing 11's
/// parameterised CRCs, which are vectorised (SSE4.2 / PCLMULQDQ) and so beat a hand-written table.
/// </summary>
public sealed class ChecksumCalculator : IDisposable
{
    private readonly NonCryptographicHashAlgorithm? _crc;
    private readonly IncrementalHash? _sha;

    private ChecksumCalculator(ChecksumAlgorithm algorithm, NonCryptographicHashAlgorithm? crc, IncrementalHash? sha)
    {
        Algorithm = algorithm;
        _crc = crc;
        _sha = sha;
    }

    public ChecksumAlgorithm Algorithm { get; }

    /// <summary>Size of the digest in bytes (4 for CRC32/CRC32C, 8 for CRC64NVME, 20 for SHA-1, 32 for SHA-256).</summary>
    public int HashLengthInBytes => _crc?.HashLengthInBytes ?? _sha!.HashLengthInBytes;

    public static ChecksumCalculator Create(ChecksumAlgorithm alg) => alg switch
    {
        ChecksumAlgorithm.Crc32 => new(alg, new Crc32(), null),
        ChecksumAlgorithm.Crc32C => new(alg, new Crc32(Crc32ParameterSet.Crc32C), null),
        ChecksumAlgorithm.Crc64Nvme => new(alg, new Crc64(Crc64ParameterSet.Nvme), null),
        ChecksumAlgorithm.Sha1 => new(alg, null, IncrementalHash.CreateHash(HashAlgorithmName.SHA1)),
        ChecksumAlgorithm.Sha256 => new(alg, null, IncrementalHash.CreateHash(HashAlgorithmName.SHA256)),
        _ => throw new ArgumentOutOfRangeException(nameof(alg), alg, "Unknown checksum algorithm."),
    };

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_crc is not null)
        {
            _crc.Append(data);
        }
        else
        {
            _sha!.AppendData(data);
        }
    }

    /// <summary>The digest so far, big-endian as S3 transmits it; the calculator can keep appending.</summary>
    public byte[] GetBytes()
    {
        if (_sha is not null)
        {
            return _sha.GetCurrentHash();
        }

        // System.IO.Hashing writes CRCs little-endian; S3 sends them big-endian (network order).
        var bytes = _crc!.GetCurrentHash();
        Array.Reverse(bytes);
        return bytes;
    }

    public string GetBase64() => Convert.ToBase64String(GetBytes());

    public void Dispose() => _sha?.Dispose();
}
