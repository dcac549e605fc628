"""Replace the register's 25-node tree with the full chain (yiqiao/chain/data/chain.yaml).

Links of organisations, projects, needs and investor profiles move from each old code to the
node the file's `legacy` section names (stated there, one line per old code); the old rows are
deleted; mask bits go to nodes with children and every organisation's chain_mask is rebuilt.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from yiqiao.chain import loader
    from yiqiao.chain.engine.tree import ChainTree

    ChainNode = apps.get_model("registry", "ChainNode")
    ChainEdge = apps.get_model("chain", "ChainEdge")
    ChainTerm = apps.get_model("chain", "ChainTerm")
    Organisation = apps.get_model("registry", "Organisation")
    tree = ChainTree.bundled()
    loader.tree_load(tree, ChainNode, ChainEdge, ChainTerm)
    loader.legacy_replace(tree, ChainNode)
    loader.bits_assign(ChainNode)
    loader.masks_refresh(ChainNode, Organisation)


class Migration(migrations.Migration):
    dependencies = [
        ("chain", "0001_initial"),
        ("registry", "0004_chain_node_vocabulary"),
        ("projects", "0001_initial"),
        ("demands", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
