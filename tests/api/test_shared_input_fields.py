"""Input serializers that share their fields between instances keep requests apart."""

from __future__ import annotations

import threading

from api.public.consultations import ResponseInputSerializer

GOOD = {"acceptability": 4, "purposeful": 5, "proportionate": 3, "responsible": 2}


def test_every_instance_uses_one_set_of_fields_bound_to_no_request():
    first = ResponseInputSerializer(data={**GOOD, "comment": "first"})
    second = ResponseInputSerializer(data=GOOD)
    assert first.fields is second.fields
    field = first.fields["acceptability"]
    assert field.parent is not first and field.parent is not second
    assert not hasattr(field.parent, "initial_data")  # no request's data is reachable
    assert field.root.context == {} and not field.root.partial


def test_interleaved_instances_validate_their_own_data():
    out_of_range = ResponseInputSerializer(data={**GOOD, "acceptability": 9})
    unknown = ResponseInputSerializer(data={**GOOD, "surprise": 1})
    good = ResponseInputSerializer(data={**GOOD, "comment": "Only with an opt-out."})
    assert good.is_valid()
    assert not out_of_range.is_valid()
    assert not unknown.is_valid()

    assert set(out_of_range.errors) == {"acceptability"}
    assert set(unknown.errors) == {"surprise"}
    assert good.errors == {}
    assert good.validated_data["comment"] == "Only with an opt-out."
    assert good.validated_data["conditions"] == ""  # the field's default, not another's value


def test_validation_errors_and_defaults_match_a_serializer_built_per_instance():
    class PerInstance(ResponseInputSerializer):
        @property
        def fields(self):  # DRF's own: fields copied and bound for each instance
            return super(ResponseInputSerializer, self).fields

    for data in (
        GOOD,
        {**GOOD, "acceptability": "4"},
        {**GOOD, "gender": "unknown-band", "postcode_district": "not a district"},
        {"comment": 3},
        {**GOOD, "surprise": 1},
        {},
    ):
        shared, own = ResponseInputSerializer(data=data), PerInstance(data=data)
        assert shared.is_valid() == own.is_valid()
        assert shared.errors == own.errors
        if not own.errors:
            assert dict(shared.validated_data) == dict(own.validated_data)


def test_threads_validating_at_once_each_get_their_own_answer():
    failures: list[str] = []

    def resident(n: int) -> None:
        for round_ in range(200):
            score = 1 + (n + round_) % 5
            serializer = ResponseInputSerializer(
                data={**GOOD, "acceptability": score, "comment": f"{n}:{round_}"}
            )
            if not serializer.is_valid():
                failures.append(f"{n}:{round_} {serializer.errors}")
            elif serializer.validated_data["comment"] != f"{n}:{round_}" or (
                serializer.validated_data["acceptability"] != score
            ):
                failures.append(f"{n}:{round_} got {dict(serializer.validated_data)}")

    threads = [threading.Thread(target=resident, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
