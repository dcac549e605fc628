"""The demo district, fed by every app: a registry of generators ordered by dependency.

Each app contributes what it owns from its AppConfig.ready():

    from yiqiao.demo.generators import register_demo_generator
    register_demo_generator("policies", load_policies, after=("register",), label="政策库与企业数据")

`yiqiao demo` (yiqiao/demo/management/commands/demo.py) runs them in order on an empty
database. This package imports no domain app; the domain apps import it.
"""
