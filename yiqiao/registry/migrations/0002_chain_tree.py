"""Load the starting industry-chain tree (see yiqiao/registry/chain.py)."""

from django.db import migrations


def load_chain(apps, schema_editor):
    from yiqiao.registry.chain import CHAIN_TREE

    ChainNode = apps.get_model("registry", "ChainNode")
    by_code = {}
    for position, (code, name, name_en, parent) in enumerate(CHAIN_TREE):
        node, _ = ChainNode.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "parent": by_code.get(parent),
                "position": position,
            },
        )
        by_code[code] = node


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load_chain, migrations.RunPython.noop)]
