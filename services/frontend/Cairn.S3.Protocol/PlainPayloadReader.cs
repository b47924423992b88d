using System.Security.Cryptography;

namespace Cairn.S3.Protocol;

/// <summary>
/// A body sent as is (UNSIGNED-PAYLOAD or a signed SHA-256). Enforces Content-Length (IncompleteBody)
/// and, for a signed hash, verifies the SHA-256 before the last bytes are handed out when the length
/// is known, or at EOF otherwise.
/// </summary>
internal sealed class PlainPayloadReader : PayloadReader
{
    private readonly Stream _body;
    private readonly long _contentLength;
    private readonly IncrementalHash? _sha;
    private readonly string? _expectedSha256Hex;
    private long _consumed;
    private bool _done;

    public PlainPayloadReader(Stream body, long contentLength, string? expectedSha256Hex)
    {
        _body = body;
        _contentLength = contentLength;
        _expectedSha256Hex = expectedSha256Hex;
        _sha = expectedSha256Hex is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        if (_done || destination.IsEmpty)
        {
            return 0;
        }

        if (_contentLength >= 0)
        {
            var remaining = _contentLength - _consumed;
            if (remaining == 0)
            {
                Finish();
                return 0;
            }

            if (destination.Length > remaining)
            {
                destination = destination[..(int)remaining];
            }
        }

        var n = await _body.ReadAsync(destination, ct).ConfigureAwait(false);
        if (n == 0)
        {
            if (_contentLength >= 0)
            {
                throw S3Errors.IncompleteBody();
            }

            Finish();
            return 0;
        }

        _consumed += n;
        _sha?.AppendData(destination.Span[..n]);
        if (_consumed == _contentLength)
        {
            // Verify before releasing the final bytes: a caller never holds a complete, unverified body.
            Finish();
        }

        return n;
    }

    private void Finish()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        if (_sha is not null)
        {
            Span<byte> hash = stackalloc byte[32];
            _sha.GetCurrentHash(hash);
            if (!string.Equals(Convert.ToHexStringLower(hash), _expectedSha256Hex, StringComparison.Ordinal))
            {
                throw S3Errors.XAmzContentSHA256Mismatch();
            }
        }
    }

    public override void Dispose() => _sha?.Dispose();
}
