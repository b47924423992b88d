using Cairn.Frontend.DataPath;
using Cairn.S3.Protocol;
using Microsoft.AspNetCore.Http;

namespace Cairn.Frontend.Http;

/// <summary>
/// What the client claims about a body (Content-MD5, x-amz-checksum-* headers, a checksum announced in
/// x-amz-trailer) and the check of those claims against what was computed while streaming. The check runs
/// before any shard is committed, so a body that fails it leaves nothing visible.
/// </summary>
public sealed class PayloadIntegrity
{
    private readonly byte[]? _contentMd5;
    private readonly Dictionary<ChecksumAlgorithm, string> _headerChecksums = [];
    private readonly List<ChecksumAlgorithm> _trailerChecksums = [];
    private readonly HashSet<ChecksumAlgorithm> _algorithms = [];

    private PayloadIntegrity(byte[]? contentMd5) => _contentMd5 = contentMd5;

    /// <summary>Every algorithm the body must be hashed with.</summary>
    public IReadOnlyCollection<ChecksumAlgorithm> Algorithms => _algorithms;

    public static PayloadIntegrity FromRequest(HttpRequest request, ChecksumAlgorithm? uploadAlgorithm = null)
    {
        byte[]? md5 = null;
        var md5Header = request.Headers["Content-MD5"].ToString();
        if (md5Header.Length > 0)
        {
            md5 = new byte[16];
            if (!Convert.TryFromBase64String(md5Header.Trim(), md5, out var written) || written != 16)
            {
                throw S3Errors.InvalidDigest();
            }
        }
        var integrity = new PayloadIntegrity(md5);
        if (uploadAlgorithm is { } fromUpload)
        {
            integrity._algorithms.Add(fromUpload);
        }
        foreach (var name in new[] { "x-amz-checksum-algorithm", "x-amz-sdk-checksum-algorithm" })
        {
            var value = request.Headers[name].ToString();
            if (value.Length > 0)
            {
                integrity._algorithms.Add(S3Checksums.TryParseAlgorithm(value, out var alg)
                    ? alg
                    : throw S3Errors.InvalidRequest($"Value for {name} header is invalid."));
            }
        }
        foreach (var alg in Enum.GetValues<ChecksumAlgorithm>())
        {
            var value = request.Headers[S3Checksums.HeaderName(alg)].ToString();
            if (value.Length > 0)
            {
                if (!S3Checksums.TryDecode(alg, value, out _))
                {
                    throw S3Errors.InvalidRequest($"Value for {S3Checksums.HeaderName(alg)} header is invalid.");
                }
                integrity._headerChecksums[alg] = value.Trim();
                integrity._algorithms.Add(alg);
            }
        }
        foreach (var trailer in request.Headers["x-amz-trailer"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (S3Checksums.TryParseAlgorithm(trailer, out var alg))
            {
                integrity._trailerChecksums.Add(alg);
                integrity._algorithms.Add(alg);
            }
        }
        return integrity;
    }

    /// <summary>Throws BadDigest when a claim does not hold; the payload must have been read to its end.</summary>
    public void Verify(PayloadDigest digest, S3PayloadStream payload)
    {
        if (_contentMd5 is not null && !_contentMd5.AsSpan().SequenceEqual(digest.Md5))
        {
            throw S3Errors.BadDigest("The Content-MD5 you specified did not match what we received.");
        }
        foreach (var (alg, claimed) in _headerChecksums)
        {
            Check(alg, claimed, digest);
        }
        foreach (var alg in _trailerChecksums)
        {
            var name = S3Checksums.HeaderName(alg);
            var claimed = payload.Trailers.FirstOrDefault(t => string.Equals(t.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
            if (claimed is null)
            {
                throw S3Errors.InvalidRequest($"The trailer {name} was announced in x-amz-trailer but not sent.");
            }
            Check(alg, claimed.Trim(), digest);
        }
    }

    private static void Check(ChecksumAlgorithm alg, string claimed, PayloadDigest digest)
    {
        if (!string.Equals(claimed, digest.Checksums[alg], StringComparison.Ordinal))
        {
            throw S3Errors.BadDigest($"The {S3Checksums.Name(alg)} you specified did not match the calculated checksum.");
        }
    }
}
