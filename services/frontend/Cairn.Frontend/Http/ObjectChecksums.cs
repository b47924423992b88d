using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Http;

/// <summary>
/// Whole-object checksums as S3 reports them. A single PUT stores its values; a multipart object stores only
/// its algorithm (the namespace stitches metadata and knows no checksum maths), so its value is derived here
/// from the parts it is made of: COMPOSITE is the checksum of the parts' checksums suffixed "-N"; FULL_OBJECT
/// (CRCs only) is the CRC of all the bytes, combined from the parts' CRCs and sizes.
/// </summary>
public static class ObjectChecksums
{
    public const string Composite = "COMPOSITE";
    public const string FullObject = "FULL_OBJECT";

    public static IEnumerable<(ChecksumAlgorithm Algorithm, string Value)> Of(ObjectVersion version)
    {
        foreach (var (name, value) in version.Checksums)
        {
            if (!S3Checksums.TryParseAlgorithm(name, out var algorithm))
            {
                continue;
            }
            if (value.Length > 0)
            {
                yield return (algorithm, value);
            }
            else if (version.Parts.Count > 0 && version.Parts.All(p => HasValue(p, name)))
            {
                var parts = version.Parts.OrderBy(p => p.PartNumber).ToList();
                if (Is(version, Composite))
                {
                    yield return (algorithm, S3Checksums.Composite(algorithm, parts.Select(p => p.Checksums[name])));
                }
                else if (Is(version, FullObject) && IsCrc(algorithm))
                {
                    yield return (algorithm, S3Checksums.FullObject(algorithm, parts.Select(p => (p.Checksums[name], (long)p.Size))));
                }
            }
        }
    }

    public static bool IsCrc(ChecksumAlgorithm algorithm) =>
        algorithm is ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C or ChecksumAlgorithm.Crc64Nvme;

    /// <summary>
    /// The checksum type of a new multipart upload as S3 decides it: CRC64NVME is full-object only, SHA
    /// checksums are composite only, the CRC32s may be either (composite unless asked).
    /// </summary>
    public static string UploadType(ChecksumAlgorithm algorithm, string? requested)
    {
        var type = requested?.Trim().ToUpperInvariant() switch
        {
            null or "" => algorithm == ChecksumAlgorithm.Crc64Nvme ? FullObject : Composite,
            Composite => Composite,
            FullObject => FullObject,
            _ => throw S3Errors.InvalidRequest("Value for x-amz-checksum-type header is invalid."),
        };
        if ((type == FullObject && !IsCrc(algorithm)) || (type == Composite && algorithm == ChecksumAlgorithm.Crc64Nvme))
        {
            throw S3Errors.InvalidRequest($"The {S3Checksums.Name(algorithm)} checksum algorithm does not support the {type} checksum type.");
        }
        return type;
    }

    private static bool Is(ObjectVersion version, string type) =>
        string.Equals(version.ChecksumType, type, StringComparison.OrdinalIgnoreCase);

    private static bool HasValue(ObjectPart part, string name) =>
        part.Checksums.TryGetValue(name, out var v) && v.Length > 0;
}
