#!/usr/bin/env python3
"""boto3 (default settings: checksums when supported, path style) driven by ClientScenarioTests.

usage: boto3_client.py ENDPOINT ACCESS_KEY SECRET_KEY COMMAND ARGS...
Prints one JSON document on success; any exception exits non-zero with its traceback.
"""
import json
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

MiB = 1024 * 1024


def client(endpoint, key, secret, signature_version=None):
    settings = {"s3": {"addressing_style": "path"}, "retries": {"max_attempts": 1}}
    if signature_version:
        settings["signature_version"] = signature_version
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        region_name="us-east-1",
        config=Config(**settings),
    )


def multipart(s3, bucket, key, source, target):
    """upload_file / download_file with 8 MiB parts: multipart up, ranged parallel GETs down."""
    config = TransferConfig(multipart_threshold=8 * MiB, multipart_chunksize=8 * MiB, max_concurrency=4)
    s3.upload_file(source, bucket, key, Config=config)
    head = s3.head_object(Bucket=bucket, Key=key)
    s3.download_file(bucket, key, target, Config=config)
    return {"etag": head["ETag"], "size": head["ContentLength"]}


def presign(s3, bucket, key, method, expires, signature="s3v4"):
    """A presigned URL signed with `signature`: "s3v4", or "s3" (SigV2, which boto3 and awscli v1 pick for
    presigning unless configured, and which Cairn refuses by design: threats.md #5)."""
    s3 = client(*ENDPOINT, signature_version=signature)
    operation = {"GET": "get_object", "PUT": "put_object", "HEAD": "head_object", "DELETE": "delete_object"}[method]
    return {"url": s3.generate_presigned_url(operation, Params={"Bucket": bucket, "Key": key}, ExpiresIn=int(expires))}


def listing(s3, bucket, prefix, delimiter, page_size):
    """list_objects_v2 through the paginator (continuation tokens), keys and common prefixes in order."""
    keys, prefixes, pages = [], [], 0
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix, Delimiter=delimiter, PaginationConfig={"PageSize": int(page_size)}):
        pages += 1
        keys += [o["Key"] for o in page.get("Contents", [])]
        prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
    return {"keys": keys, "prefixes": prefixes, "pages": pages}


def versions_and_tags(s3, bucket):
    """Versioning, delete markers, version listing, tagging, UploadPartCopy and GetBucketLocation."""
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="doc", Body=b"one", Tagging="team=storage")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="doc", Body=b"two")["VersionId"]
    marker = s3.delete_object(Bucket=bucket, Key="doc")["VersionId"]
    listed = s3.list_object_versions(Bucket=bucket)
    old = s3.get_object(Bucket=bucket, Key="doc", VersionId=v1)["Body"].read().decode()
    tags = s3.get_object_tagging(Bucket=bucket, Key="doc", VersionId=v1)["TagSet"]
    s3.delete_object(Bucket=bucket, Key="doc", VersionId=marker)
    restored = s3.get_object(Bucket=bucket, Key="doc")["Body"].read().decode()

    source = bytes(range(256)) * (24 * 1024)  # 6 MiB
    s3.put_object(Bucket=bucket, Key="source", Body=source)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="copied")["UploadId"]
    first = s3.upload_part_copy(Bucket=bucket, Key="copied", UploadId=upload, PartNumber=1,
                                CopySource={"Bucket": bucket, "Key": "source"}, CopySourceRange="bytes=0-%d" % (5 * MiB - 1))
    second = s3.upload_part_copy(Bucket=bucket, Key="copied", UploadId=upload, PartNumber=2,
                                 CopySource={"Bucket": bucket, "Key": "source"}, CopySourceRange="bytes=%d-%d" % (5 * MiB, len(source) - 1))
    s3.complete_multipart_upload(Bucket=bucket, Key="copied", UploadId=upload, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]},
        {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]},
    ]})
    copied = s3.get_object(Bucket=bucket, Key="copied")["Body"].read()
    location = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint")
    return {
        "versions": [[v["VersionId"], v["IsLatest"]] for v in listed.get("Versions", [])],
        "markers": [[m["VersionId"], m["IsLatest"]] for m in listed.get("DeleteMarkers", [])],
        "ids": [v1, v2, marker],
        "old": old,
        "tags": {t["Key"]: t["Value"] for t in tags},
        "restored": restored,
        "copy_identical": copied == source,
        "location": location,
    }


ENDPOINT = ()


def main(argv):
    global ENDPOINT
    endpoint, key, secret, command, *args = argv[1:]
    ENDPOINT = (endpoint, key, secret)
    s3 = client(endpoint, key, secret)
    commands = {"multipart": multipart, "presign": presign, "list": listing, "versions-and-tags": versions_and_tags}
    print(json.dumps(commands[command](s3, *args)))


if __name__ == "__main__":
    main(sys.argv)
