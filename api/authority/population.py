"""Authority host: the population baseline that consultations' respondents are compared with.

Every member reads it; admins and officers set one dimension (``PUT``) or import
several from a CSV. The bands follow the ONS census groupings (docs/representativeness.md).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import AuthorityAPIView
from api.disclosure import WithheldSerializer
from api.errors import ErrorSerializer
from backend.population.bands import BANDS, Dimension
from backend.population.selectors import population_baseline
from backend.population.services import (
    CSV_COLUMNS,
    DimensionBaseline,
    population_dimension_set,
    population_import_csv,
)

CSV_MAX_BYTES = 1_000_000


class PopulationDimensionSerializer(serializers.Serializer[Any]):
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    source = serializers.CharField()  # type: ignore[assignment]
    year = serializers.IntegerField()
    bands = serializers.DictField(
        child=serializers.IntegerField(min_value=0), help_text="Band → residents."
    )


class PopulationSerializer(serializers.Serializer[Any]):
    dimensions = PopulationDimensionSerializer(many=True)
    bands = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Every dimension's bands, in order (what PUT accepts).",
    )


class PopulationDimensionInputSerializer(serializers.Serializer[Any]):
    source = serializers.CharField(  # type: ignore[assignment]
        max_length=200, help_text="E.g. 'ONS Census 2021, TS007A'."
    )
    year = serializers.IntegerField()
    bands = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100_000_000),
        help_text="Band → residents; bands left out count zero.",
    )


class PopulationImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="UTF-8 CSV with a header row: " + ", ".join(CSV_COLUMNS) + "."
    )


class PopulationImportResultSerializer(serializers.Serializer[Any]):
    dimensions = serializers.ListField(child=serializers.CharField())


def _body() -> dict[str, Any]:
    baseline = population_baseline()
    return {
        "dimensions": [{"dimension": name, **entry} for name, entry in baseline.items()],
        "bands": {name: list(bands) for name, bands in BANDS.items()},
    }


class PopulationView(AuthorityAPIView):
    """The authority's population by census band, with each dimension's source and year."""

    @extend_schema(responses={200: PopulationSerializer})
    def get(self, request: Request) -> Response:
        return Response(_body())


class PopulationDimensionView(AuthorityAPIView):
    """Replace one dimension of the baseline."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "dimension", str, OpenApiParameter.PATH, enum=[d.value for d in Dimension]
            )
        ],
        request=PopulationDimensionInputSerializer,
        responses={200: PopulationSerializer, 400: ErrorSerializer},
    )
    def put(self, request: Request, dimension: str) -> Response:
        data = PopulationDimensionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        population_dimension_set(
            dimension=dimension, baseline=DimensionBaseline(**data.validated_data)
        )
        return Response(_body())


class PopulationImportView(AuthorityAPIView):
    """Import the baseline from a CSV: every row or none; it replaces the dimensions it names."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": PopulationImportSerializer},
        responses={201: PopulationImportResultSerializer, 400: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        data = PopulationImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > CSV_MAX_BYTES:
            raise serializers.ValidationError({"file": ["The file is larger than 1 MB."]})
        try:
            content = upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise serializers.ValidationError({"file": ["The file is not UTF-8 text."]}) from error
        imported = population_import_csv(content=content)
        return Response({"dimensions": imported}, status=status.HTTP_201_CREATED)


class RepresentationBandSerializer(serializers.Serializer[Any]):
    band = serializers.CharField()
    population = serializers.IntegerField()
    population_share = serializers.FloatField(allow_null=True)
    respondents = serializers.IntegerField(
        allow_null=True, help_text="Rounded; null when withheld (few respondents)."
    )
    respondent_share = serializers.FloatField(allow_null=True)
    representation = serializers.FloatField(
        allow_null=True, help_text="Respondent share over population share: 1 is in proportion."
    )


class DimensionRepresentativenessSerializer(serializers.Serializer[Any]):
    dimension = serializers.ChoiceField(choices=Dimension.choices)
    source = serializers.CharField()  # type: ignore[assignment]
    year = serializers.IntegerField()
    respondents_with_band = serializers.IntegerField(allow_null=True)
    without_band = serializers.IntegerField(
        allow_null=True, help_text="Declined, left blank, or no census band for their answer."
    )
    bands = RepresentationBandSerializer(many=True)
    index = serializers.FloatField(
        allow_null=True, help_text="1 - total variation distance: 1 mirrors the population."
    )
    weighted_net_acceptability = serializers.FloatField(
        allow_null=True, help_text="Net acceptability post-stratified on this dimension."
    )
    coverage = serializers.FloatField(
        help_text="Population share of the bands with respondents (the weighting's base)."
    )
    withheld = serializers.DictField(child=WithheldSerializer(), help_text="Figure → why null.")


class RepresentativenessSerializer(serializers.Serializer[Any]):
    representativeness_index = serializers.FloatField(
        allow_null=True, help_text="Mean of the published dimension indices."
    )
    dimensions = DimensionRepresentativenessSerializer(many=True)
