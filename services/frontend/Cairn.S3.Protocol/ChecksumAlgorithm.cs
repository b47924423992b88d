namespace Cairn.S3.Protocol;

/// <summary>The additional checksums S3 supports (x-amz-checksum-*).</summary>
public enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
}
