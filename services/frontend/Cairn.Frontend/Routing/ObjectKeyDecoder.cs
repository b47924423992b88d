using System.Text;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Routing;

/// <summary>
/// Turns a raw (still percent-encoded) path segment into an object key or bucket name. Keys are opaque
/// UTF-8 strings: decoded exactly once, never normalised (so "..", "%2e%2e%2f" stay literal key bytes) and
/// never joined into a filesystem path anywhere in the system.
/// </summary>
public static class ObjectKeyDecoder
{
    public const int MaxKeyBytes = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string DecodeKey(ReadOnlySpan<char> raw)
    {
        var bytes = PercentDecode(raw);
        if (bytes.Length > MaxKeyBytes)
        {
            throw S3Errors.KeyTooLongError();
        }
        var key = ToUtf8(bytes);
        ValidateKeyText(key);
        return key;
    }

    /// <summary>Validates a key that arrived already decoded (XML bodies, copy sources).</summary>
    public static void ValidateKeyText(string key)
    {
        if (key.Length == 0)
        {
            throw S3Errors.InvalidArgument("The object key must not be empty.", "key");
        }
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            throw S3Errors.KeyTooLongError();
        }
        if (key.Contains('\0', StringComparison.Ordinal))
        {
            throw S3Errors.InvalidArgument("Object key must not contain a NUL character.", "key");
        }
        for (var i = 0; i < key.Length; i++)
        {
            // A lone surrogate cannot be stored as UTF-8; it only appears in text decoded elsewhere.
            if (char.IsHighSurrogate(key[i]) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(key[i]))
            {
                throw S3Errors.InvalidURI();
            }
        }
    }

    public static string DecodeSegment(ReadOnlySpan<char> raw) => ToUtf8(PercentDecode(raw));

    private static string ToUtf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw S3Errors.InvalidURI();
        }
    }

    private static byte[] PercentDecode(ReadOnlySpan<char> raw)
    {
        var output = new List<byte>(raw.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2]))
                {
                    throw S3Errors.InvalidURI();
                }
                output.Add((byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2])));
                i += 2;
            }
            else if (c < 0x80)
            {
                output.Add((byte)c);
            }
            else
            {
                // Kestrel hands non-ASCII raw bytes over as Latin-1 or UTF-8 text; re-encode as UTF-8.
                var rune = Rune.TryGetRuneAt(raw.ToString(), i, out var r) ? r : throw S3Errors.InvalidURI();
                var n = rune.EncodeToUtf8(utf8);
                for (var j = 0; j < n; j++)
                {
                    output.Add(utf8[j]);
                }
                i += rune.Utf16SequenceLength - 1;
            }
        }
        return output.ToArray();
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
