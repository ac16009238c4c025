"""Deterministic Parquet for exports, with images stored once per row group however many rows show them.

An image column is the Hugging Face Image struct `{bytes: binary, path: string}` (for verl and
EasyR1 a list of such structs). The `datasets` features go into the file's key-value metadata
under `huggingface` (`{"info": {"features": …}}`), so `datasets` decodes the column as images.

Image bytes are written as Arrow dictionary arrays whose dictionary holds each map of the row
group once; readers see plain binary (the Arrow schema is not stored, the Parquet types say
BYTE_ARRAY). A row group holds at most `ROW_GROUP_IMAGE_BYTES` of images as read back (readers
expand the dictionary per row, and nested binary columns must stay under 2 GiB per row group), so
rows sorted by map keep almost every map stored once per file.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from curation.atomic import write_bytes_atomic

IMAGE_TYPE = pa.struct([pa.field("bytes", pa.binary()), pa.field("path", pa.string())])
ROW_GROUP_IMAGE_BYTES = 1 << 30
_DICT_IMAGE_TYPE = pa.struct([pa.field("bytes", pa.dictionary(pa.int32(), pa.binary())),
                              pa.field("path", pa.dictionary(pa.int32(), pa.string()))])
_VALUE_TYPES = {
    pa.string(): "string", pa.int8(): "int8", pa.int32(): "int32", pa.int64(): "int64", pa.float64(): "float64",
    pa.bool_(): "bool", pa.binary(): "binary",
}
_OPTIONS: dict[str, Any] = {"compression": "zstd", "write_statistics": False, "store_schema": False}


def hf_features(schema: pa.Schema, images: Sequence[str] = ()) -> dict[str, object]:
    """`datasets` features of a flat schema; `images` names the Image columns."""
    features: dict[str, object] = {}
    for field in schema:
        if field.name in images:
            features[field.name] = {"_type": "Image"}
        else:
            features[field.name] = _feature(field.name, field.type)
    return features


def _feature(name: str, kind: pa.DataType) -> object:
    """A value, a struct (a dict of features) or a list (`[feature]`: a list of items, as `datasets` reads it)."""
    if kind in _VALUE_TYPES:
        return {"dtype": _VALUE_TYPES[kind], "_type": "Value"}
    if pa.types.is_struct(kind):
        return {kind.field(i).name: _feature(name, kind.field(i).type) for i in range(kind.num_fields)}
    if pa.types.is_list(kind):
        return [_feature(name, kind.value_type)]
    raise ValueError(f"column {name}: no datasets feature for {kind}")


def write_parquet(path: Path, table: pa.Table, images: Sequence[str] = ()) -> None:
    """A table without per-row repetition (maps.parquet, question tables), written atomically."""
    buffer = io.BytesIO()
    with pq.ParquetWriter(buffer, table.schema, use_dictionary=True, **_OPTIONS) as writer:
        writer.write_table(table, row_group_size=max(table.num_rows, 1))
        writer.add_key_value_metadata(_features_metadata(table.schema, images))
    write_bytes_atomic(path, buffer.getvalue())


def write_with_images(path: Path, table: pa.Table, map_ids: list[str | None], maps: dict[str, tuple[bytes, str]],
                      column: str = "image", as_list: bool = False, hf: bool = True) -> None:
    """`table` plus an image column (`map_ids[i]`'s bytes and file name; None for no image).

    `as_list` makes the column a list of one image (verl, EasyR1) instead of one image (datasets).
    """
    image_type = pa.list_(_DICT_IMAGE_TYPE) if as_list else _DICT_IMAGE_TYPE
    schema = table.schema.append(pa.field(column, image_type))
    buffer = io.BytesIO()
    with pq.ParquetWriter(buffer, schema, use_dictionary=True, **_OPTIONS) as writer:
        for offset, length in _row_groups(map_ids, maps):
            chunk = table.slice(offset, length)
            images = _image_array(map_ids[offset:offset + length], maps, as_list)
            writer.write_table(chunk.append_column(pa.field(column, image_type), images), row_group_size=length)
        if hf:
            writer.add_key_value_metadata(_features_metadata(table.schema, (), image_column=column))
    write_bytes_atomic(path, buffer.getvalue())


def _row_groups(map_ids: list[str | None], maps: dict[str, tuple[bytes, str]]) -> list[tuple[int, int]]:
    """Row groups of at most `ROW_GROUP_IMAGE_BYTES` of images, cut where the map changes when possible."""
    groups: list[tuple[int, int]] = []
    start, size = 0, 0
    for offset, length in _runs(map_ids):
        map_id = map_ids[offset]
        image = len(maps[map_id][0]) if map_id is not None else 0
        if offset > start and size + image * length > ROW_GROUP_IMAGE_BYTES:
            groups.append((start, offset - start))
            start, size = offset, 0
        per_group = max(1, ROW_GROUP_IMAGE_BYTES // image) if image else length
        while size + image * length > ROW_GROUP_IMAGE_BYTES and length > per_group:  # one map beyond the limit
            groups.append((start, offset + per_group - start))
            start, offset, length, size = offset + per_group, offset + per_group, length - per_group, 0
        size += image * length
    if len(map_ids) > start or not groups:
        groups.append((start, len(map_ids) - start))
    return groups


def _runs(values: list[str | None]) -> list[tuple[int, int]]:
    """(offset, length) of each run of equal consecutive values."""
    runs: list[tuple[int, int]] = []
    for i, value in enumerate(values):
        if runs and values[runs[-1][0]] == value:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((i, 1))
    return runs


def _image_array(map_ids: list[str | None], maps: dict[str, tuple[bytes, str]], as_list: bool) -> pa.Array[Any]:
    """Images as dictionary-encoded structs: a null image (or, as a list, an empty one) where there is no map."""
    present = [m for m in map_ids if m is not None] if as_list else map_ids
    used = sorted({m for m in present if m is not None})
    slot = {m: i for i, m in enumerate(used)}
    indices = pa.array([slot.get(m) if m is not None else None for m in present], type=pa.int32())
    images = pa.StructArray.from_arrays(
        [pa.DictionaryArray.from_arrays(indices, pa.array([maps[m][0] for m in used], type=pa.binary())),
         pa.DictionaryArray.from_arrays(indices, pa.array([maps[m][1] for m in used], type=pa.string()))],
        fields=list(_DICT_IMAGE_TYPE), mask=pa.array([m is None for m in present], type=pa.bool_()))
    if not as_list:
        return images
    offsets = pa.array(list(accumulate((int(m is not None) for m in map_ids), initial=0)), type=pa.int32())
    return pa.ListArray.from_arrays(offsets, images, type=pa.list_(_DICT_IMAGE_TYPE))


def _features_metadata(schema: pa.Schema, images: Sequence[str], image_column: str | None = None) -> dict[str, str]:
    features = hf_features(schema, images)
    if image_column is not None:
        features[image_column] = {"_type": "Image"}
    return {"huggingface": json.dumps({"info": {"features": features}}, sort_keys=True)}
