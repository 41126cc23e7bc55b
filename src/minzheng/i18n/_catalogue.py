"""The message catalogue: every id, its Chinese text and its English text.

Ids are grouped by where the message is seen: ``word.*`` (labels, statuses, levels…),
``problem.*`` (what is wrong with an input: ``expected.*``, ``found.*``, ``hint.*``),
``cli.*`` (help, notes and errors of the commands), ``explain.*``, ``template.*``,
``xlsx.*`` and ``html.*``. ``{name}`` is a field filled in by
:func:`minzheng.i18n.text`; both languages take the same fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_ENTRIES: dict[str, tuple[str, str]] = {
    # -- words: labels of tables and reports --------------------------------------------
    "word.pack": ("规则包", "pack"),
    "word.packs": ("规则包", "packs"),
    "word.rule": ("规则", "rule"),
    "word.unit": ("单位", "unit"),
    "word.unit_name": ("单位名称", "unit name"),
    "word.name": ("名称", "name"),
    "word.status": ("状态", "status"),
    "word.severity": ("严重程度", "severity"),
    "word.message": ("说明", "message"),
    "word.deadline": ("期限", "deadline"),
    "word.due": ("已到期", "due"),
    "word.clause": ("条款", "clause"),
    "word.clause_text": ("条款原文", "original words"),
    "word.document": ("文件", "document"),
    "word.summary": ("汇总", "summary"),
    "word.findings": ("结果", "findings"),
    "word.rollups": ("汇总到上级", "roll-ups"),
    "word.level": ("层级", "level"),
    "word.share_met": ("达标比例", "share met"),
    "word.on": ("评估日期", "assessed on"),
    "word.errors": ("插件错误", "plugin errors"),
    "word.indicator": ("指标", "indicator"),
    "word.required": ("要求", "required"),
    "word.actual": ("实际", "actual"),
    "word.comparator": ("比较", "comparator"),
    "word.gap": ("差距", "gap"),
    "word.measure": ("计量单位", "measure"),
    "word.basis": ("依据", "basis"),
    "word.none": ("无", "none"),
    "word.yes": ("是", "yes"),
    "word.no": ("否", "no"),
    "word.field": ("字段", "field"),
    "word.targets": ("目标", "Targets"),
    "word.standards": ("现行标准", "Standards in force"),
    "word.by_year": ("逐年进度", "by year"),
    "word.programme": ("项目", "programme"),
    "word.standard": ("标准", "standard"),
    "word.value_in_force": ("现行值", "value in force"),
    "word.changes": ("历次调整", "changes"),
    "word.growth": ("年均增长", "annual growth"),
    "word.title": ("名称", "title"),
    "word.applies_to": ("适用层级", "applies to"),
    "word.attribute": ("属性", "attribute"),
    "word.version": ("版本", "version"),
    "word.region": ("地区", "region"),
    "word.documents": ("引用文件", "documents"),
    "word.rules_count": ("规则数", "rules"),
    "word.hooks": ("实现的钩子", "hooks"),
    "word.rule_packs": ("规则包", "Rule packs"),
    "word.rules": ("规则", "Rules"),
    "word.failed": ("加载失败", "failed"),
    "word.warning_prefix": ("警告", "warning"),
    "word.error_prefix": ("错误", "error"),
    "word.list_sep": ("、", ", "),
    # statuses, severities
    "status.met": ("达标", "met"),
    "status.not_met": ("未达标", "not met"),
    "status.unknown": ("数据不足", "unknown"),
    "status.not_applicable": ("不适用", "not applicable"),
    "status.error": ("出错", "error"),
    "severity.failure": ("不合格", "failure"),
    "severity.warning": ("警示", "warning"),
    "severity.not_due": ("未到期", "not yet due"),
    # levels, areas, attributes, kinds of value
    "level.province": ("省", "province"),
    "level.prefecture": ("市", "prefecture"),
    "level.county": ("县", "county"),
    "level.township": ("乡镇", "township"),
    "level.village": ("村居", "village"),
    "level.facility": ("机构", "facility"),
    "area.urban": ("城市", "urban"),
    "area.rural": ("农村", "rural"),
    "attribute.expected": ("预期性", "expected"),
    "attribute.binding": ("约束性", "binding"),
    "kind.count": ("整数", "whole number"),
    "kind.amount": ("数值", "number"),
    "kind.rate": ("比率", "rate"),
    "kind.flag": ("是/否", "yes / no"),
    "kind.items": ("清单", "checklist"),
    "kind.text": ("文字", "text"),
    "kind.scores": ("分项得分", "points per item"),
    # -- problems with an input -------------------------------------------------------
    "problem.text": (
        "{where}:应为{expected},实为{found}",
        "{where}: expected {expected}, found {found}",
    ),
    "problem.hint": ("{text}({hint})", "{text} ({hint})"),
    "problem.sheet": ("工作表“{sheet}”", "sheet {sheet!r}"),
    "problem.row": ("第 {row} 行", "row {row}"),
    "problem.column": ("{column} 列", "column {column}"),
    "problem.subject": ("{subject} {name}", "{subject} {name}"),
    "problem.field": ("字段“{field}”", "field {field!r}"),
    "problem.sep": (",", ": "),
    "problem.place_sep": (" ", " "),
    "expected.number": ("数字", "a number"),
    "expected.finite_number": ("有限的数", "a finite number"),
    "expected.whole_number": ("整数", "a whole number"),
    "expected.at_least": ("不小于 {value}{measure} 的值", "a value of at least {value}{measure}"),
    "expected.at_most": ("不大于 {value}{measure} 的值", "a value of at most {value}{measure}"),
    "expected.rate_like": ("比率,如“38{measure}”", "a rate such as '38{measure}'"),
    "expected.rate_signed": (
        "带单位的比率,如“{percent}%”或“{value}{measure}”",
        "a rate written with its sign, e.g. '{percent}%' or '{value}{measure}'",
    ),
    "expected.yes_no": ("是或否(true/false、是/否)", "yes or no (true/false, 是/否)"),
    "expected.true_false": ("true 或 false", "true or false"),
    "expected.item_list": ("清单项列表", "a list of checklist items"),
    "expected.one_item": ("清单项之一:{items}", "one of the items {items}"),
    "expected.scores_text": (
        "“项=分;项=分”形式的得分",
        "scores written as item=points; item=points",
    ),
    "expected.scores_mapping": ("分项与得分的对应", "a mapping from scored item to points"),
    "expected.item_ids": ("文字形式的项目代码", "item ids as text"),
    "expected.points_for": ("“{item}”的得分", "points for {item!r}"),
    "expected.points_nonnegative": ("“{item}”不小于 0 的得分", "points for {item!r} of at least 0"),
    "expected.text": ("文字", "text"),
    "expected.period": (
        "期间:年份如 2018,或日期如 2018-12-31",
        "a period: a year such as 2018 or a day such as 2018-12-31",
    ),
    "expected.date": ("日期,如 2018-12-31", "a date such as 2018-12-31"),
    "expected.one_of": ("以下之一:{choices}", "one of {choices}"),
    "expected.band": (
        "区间,如 {{max: 20000, required: 2}}",
        "a band such as {{max: 20000, required: 2}}",
    ),
    "expected.band_fields": (
        "含 required、且 min/above 与 max/below 各至多一个的区间",
        "a band with required and at most one of min/above and of max/below",
    ),
    "expected.valid_data": ("有效数据", "valid data"),
    "expected.valid_type": ("有效的{type}", "a valid {type}"),
    "expected.no_such_field": ("无此字段", "no such field"),
    "expected.required_value": ("一个值(此字段必填)", "a value (the field is required)"),
    "expected.existing_file": ("存在的文件", "an existing file"),
    "expected.a_file": ("文件", "a file"),
    "expected.utf8": ("UTF-8 文本", "UTF-8 text"),
    "expected.key_once": ("对象中每个键只出现一次", "each key once in an object"),
    "expected.json": ("格式正确的 JSON", "well-formed JSON"),
    "expected.yaml": ("格式正确的 YAML", "well-formed YAML"),
    "expected.csv": ("格式正确的 CSV", "well-formed CSV"),
    "expected.dataset_suffix": (
        ".json、.yaml、.yml、.csv 或 .xlsx 文件,或 CSV 文件夹",
        "a .json, .yaml, .yml, .csv or .xlsx file, or a CSV folder",
    ),
    "expected.units_list": (
        "含“units”单位列表的映射",
        "a mapping with a list of units under 'units'",
    ),
    "expected.top_field": ("顶层字段之一:{fields}", "one of the top-level fields {fields}"),
    "expected.header": ("表头 {header}", "the header {header}"),
    "expected.columns_count": ("{count} 列", "{count} columns"),
    "expected.unit_listed": ("{file} 中列出的单位", "a unit listed in {file}"),
    "expected.unit_mapping": (
        "单位:含 code、name、level 的映射",
        "a unit: a mapping with code, name and level",
    ),
    "expected.code_once": ("仅由一个单位使用的代码", "a code used by one unit only"),
    "expected.known_indicator": ("已知的指标", "a known indicator"),
    "expected.all_dated": (
        "全部带期间的值,或一个不带期间的值",
        "values that all have a period, or one undated value",
    ),
    "expected.value_per_period": ("每个期间一个值", "one value per period"),
    "expected.indicator_mapping": ("指标到值的映射", "a mapping from indicator to value"),
    "expected.parent_in_dataset": ("本数据集中某单位的代码", "the code of a unit in this dataset"),
    "expected.parent_chain": ("有尽头的上级链", "a chain of parents that ends"),
    "expected.unit_above": ("高于{level}层级的单位", "a unit above the {level} level"),
    "expected.parent_prefix": (
        "代码是“{code}”开头部分的上级",
        "a parent whose code is the start of {code!r}",
    ),
    "expected.parquet": ("Parquet 文件", "a Parquet file"),
    "expected.parquet_column": (
        "文字、整数或精确小数的列",
        "a column of text, integers or exact decimals",
    ),
    "expected.columns": ("列 {columns}", "the columns {columns}"),
    "expected.xlsx": ("Excel 工作簿(.xlsx)", "an Excel workbook (.xlsx)"),
    "expected.code_sheet": (
        "第 1 行以“code”开头的工作表",
        "a sheet whose row 1 starts with 'code'",
    ),
    "expected.mapping": ("映射", "a mapping"),
    "expected.rule_once": ("只用一次的规则代码", "a rule id used once"),
    "expected.id_once": ("只用一次的代码", "an id used once"),
    "expected.list_under": ("“{key}”下为列表的映射", "a mapping with a list under {key!r}"),
    "expected.mapping_under": ("“{key}”下的映射", "a mapping under {key!r}"),
    "expected.code_digits": ("{level}代码:{digits} 位数字", "a {level} code of {digits} digits"),
    "expected.code_pattern": (
        "机构代码:上级的 6、9 或 12 位代码、连字符,以及由字母、数字或“_”组成的本地代码"
        "(如“360821101-NH1”)",
        "a facility code: its parent's 6-, 9- or 12-digit code, a hyphen and a local id "
        "of letters, digits or '_' (e.g. '360821101-NH1')",
    ),
    "expected.name": (
        "非空名称,首尾无空格、无控制字符",
        "a name that is not blank, without surrounding spaces or control characters",
    ),
    "expected.identifier": (
        "小写字母、数字和“_”,以字母开头",
        "lower-case letters, digits and '_', starting with a letter",
    ),
    "expected.rate_measure": ("比率的单位“%”或“‰”", "'%' or '‰' for a rate"),
    "expected.checklist_items": ("清单指标的清单项", "the items of a checklist indicator"),
    "expected.items_once": ("每个清单项代码只用一次", "item ids used once each"),
    "expected.max_points": ("大于 0 的满分", "maximum points above 0"),
    "expected.category_once": ("只用一次的类别代码", "a category id used once"),
    "expected.indicator_once": ("只用一次的指标代码", "an indicator id used once"),
    "expected.one_category": ("类别之一:{categories}", "one of the categories {categories}"),
    "expected.category_filled": ("该类别至少一项指标", "at least one indicator in the category"),
    "expected.points_total": (
        "非附加类指标满分合计为 {total}",
        "points of the non-bonus indicators adding up to {total}",
    ),
    "expected.threshold_range": ("0 到 {total} 之间的门槛", "a threshold between 0 and {total}"),
    "expected.facts_header": (
        "表头 unit,indicator,period,value(每行一个值)或 unit[,period] 加指标代码(每列一个值)",
        "the header unit,indicator,period,value (a value a row) or unit[,period] and "
        "indicator ids (a value a column)",
    ),
    "expected.date_option": ("日期,如 2018-12-31", "a date such as 2018-12-31"),
    "found.no_such_file": ("文件不存在", "no such file"),
    "found.directory": ("文件夹", "a directory"),
    "found.undecodable_at": ("第 {offset} 字节处无法解码", "undecodable bytes at offset {offset}"),
    "found.undecodable_below": ("此行或以下有无法解码的字节", "undecodable bytes here or below"),
    "found.duplicate": ("重复", "a duplicate"),
    "found.mix": ("混合", "a mix"),
    "found.second_value": ("第二个值", "a second value"),
    "found.repeat": ("重复", "a repeat"),
    "found.cycle": ("循环:{cycle}", "a cycle: {cycle}"),
    "found.at_level": ("{level}层级的 {code}", "{code} at the {level} level"),
    "found.key_twice": ("同一对象中键“{key}”出现两次", "the key {key!r} given twice in one object"),
    "found.json_error": (
        "{error}(第 {line} 行第 {column} 列)",
        "{error} at line {line} column {column}",
    ),
    "found.nothing": ("空", "nothing"),
    "found.field": ("字段“{field}”", "field {field!r}"),
    "found.none": ("无", "none"),
    "found.no_header": ("无表头", "no header"),
    "found.no_columns": ("无列", "no columns"),
    "hint.did_you_mean": ("是否应为“{guess}”?", "did you mean {guess!r}?"),
    "hint.no_pack_declares": ("没有已安装的规则包声明此指标", "no installed pack declares it"),
    "hint.parent_prefix": ("单位代码以上级代码开头", "a unit's code starts with its parent's code"),
    "hint.split_text": (
        "{{…}} 映射中含逗号而未加引号的文字会在逗号处被拆开:请给文字加引号",
        "an unquoted text with a comma inside a {{…}} mapping is split at the comma: quote the text",
    ),
    "hint.column_once": ("每列名称只出现一次", "each column named once"),
    "hint.ambiguous_rate": (
        "0 到 1 之间的裸数有歧义(是小数还是比率?)",
        "a bare number between 0 and 1 is ambiguous (a fraction or a rate?)",
    ),
    # -- the command line -------------------------------------------------------------
    "cli.help.main": (
        "minzheng(民政):民政政策即代码。\n\n"
        "按已安装的规则包(吉安、嵩明、盐城……)评估行政单位:达标情况、推算目标和进度。",
        "minzheng (民政): civil-affairs policy as code.\n\n"
        "Assess administrative units against the rule packs installed (Ji'an, Songming, "
        "Yancheng, …): compliance findings, derived targets and trajectories.",
    ),
    "cli.help.assess": (
        "按已安装的规则包评估数据集 FILE 中的单位。\n\n"
        "FILE 为 .yaml、.yml、.json 或 .xlsx 文件,CSV 文件夹(units.csv 与 facts.csv)"
        "或数据文件,或 Parquet 文件夹(units.parquet 与 facts.parquet)或数据文件。",
        "Assess the units of a dataset FILE against the installed packs.\n\n"
        "FILE is a .yaml, .yml, .json or .xlsx file, a CSV folder (units.csv and facts.csv) "
        "or facts file, or a Parquet folder (units.parquet and facts.parquet) or facts file.",
    ),
    "cli.help.validate": (
        "检查数据集文件;列出每个问题,指明单位和字段。",
        "Check a dataset file; report every problem, naming unit and field.",
    ),
    "cli.help.targets": (
        "FILE 中每个单位的推算目标(须达到什么、何时达到)和现行的项目标准。",
        "Derived targets for each unit of FILE (what it must reach, by when), and the "
        "programme standards in force.",
    ),
    "cli.help.rules": (
        "列出每个规则包(或 PACK)的规则。",
        "List the rules of every pack, or of PACK.",
    ),
    "cli.help.explain": (
        "显示一条规则:条款原文、我们的解读、所需数据。",
        "Show a rule: its clause in Chinese, our reading, the inputs it needs.",
    ),
    "cli.help.packs": (
        "列出已安装的规则包(及加载失败的)。",
        "List the installed rule packs (and any that failed to load).",
    ),
    "cli.help.template": (
        "一份空白数据集(YAML 或 Excel 工作簿),列出 PACK 的规则所需的每项数据及其单位。",
        "A blank dataset (YAML or an Excel workbook) listing every fact PACK's rules read, "
        "with units.",
    ),
    "cli.help.new_pack": (
        "新建可运行的规则包骨架 NAME:含入口点的 pyproject、带一条示例规则的数据文件、"
        "钩子,以及开箱即通过的测试。",
        "Create a working rule-pack skeleton NAME: pyproject with the entry point, data "
        "files with one example rule, the hooks, and tests that pass as they are.",
    ),
    "cli.opt.lang": (
        "消息和标签的语言(默认:$MINZHENG_LANG,否则按系统区域设置)。",
        "Language of messages and labels (default: $MINZHENG_LANG, else the locale).",
    ),
    "cli.opt.help": ("显示此帮助并退出。", "Show this message and exit."),
    "cli.opt.version": ("显示版本并退出。", "Show the version and exit."),
    "cli.opt.pack": (
        "只应用此规则包(可重复)。默认:所有已安装的规则包。",
        "Apply only this pack (repeatable). Default: every installed pack.",
    ),
    "cli.opt.on": (
        "评估日期(默认:数据集的 as_of,否则为其最近期间的期末)。",
        "Assessment date (default: the dataset's as_of, else the end of its latest period).",
    ),
    "cli.opt.what_if": (
        "也将规则包用于其地区以外的单位。",
        "Apply the packs to units outside their region too.",
    ),
    "cli.opt.rule": (
        "只用此规则(可重复)。默认:规则包的全部规则。",
        "Only this rule (repeatable). Default: every rule of the packs.",
    ),
    "cli.opt.table": (
        "按指标体系表计分的规则包所用的表(如盐城的正式表);默认:规则包自带的表。",
        "A scoring table (指标体系表) for the packs that score against one, e.g. the "
        "official Yancheng table; default: the table the pack ships.",
    ),
    "cli.opt.output": (
        "写入此文件,而非标准输出。",
        "Write to this file instead of standard output.",
    ),
    "cli.opt.assess_format": (
        "输出格式。jsonl 每行一条结果;parquet(结果表,带类型的列)、html(带图表的独立报告)"
        "和 xlsx(按状态着色的工作簿)须用 -o FILE。",
        "Output format. jsonl writes one finding per line; parquet (the findings table, "
        "typed columns), html (a self-contained report with charts) and xlsx (a workbook "
        "coloured by status) need -o FILE.",
    ),
    "cli.opt.fail_on": (
        "何种情况退出状态为 1:任一结果未达标、仅不合格(约束性且已到期),或从不。",
        "What makes the exit status 1: any finding not met, only failures (binding and "
        "due), or nothing.",
    ),
    "cli.opt.targets_format": (
        "输出格式。jsonl 每行一个目标(现行标准见其他格式)。",
        "Output format. jsonl streams one target per line (the standards in force are in "
        "the other formats).",
    ),
    "cli.opt.template_format": (
        "YAML,或供填写的 Excel 工作簿(每个层级一张表,带数据验证)。",
        "YAML, or an Excel workbook to fill in (one sheet per level, with data validation).",
    ),
    "cli.opt.title_zh": (
        "规则包的中文名称,如 某某市民政三年规划。",
        "The pack's Chinese title, e.g. 某某市民政三年规划.",
    ),
    "cli.opt.title_en": ("规则包的英文名称。", "The pack's English title."),
    "cli.opt.prefix": (
        "规则包所覆盖地区的 GB/T 2260 代码前缀(可重复)。",
        "A GB/T 2260 prefix of the region the pack covers (repeatable).",
    ),
    "cli.opt.region_zh": ("地区的中文名称。", "The region's Chinese name."),
    "cli.opt.region_en": ("地区的英文名称。", "The region's English name."),
    "cli.opt.document": (
        "规则包所依据文件的简称(引用时使用)。",
        "A short id for the document the pack encodes (citations name it).",
    ),
    "cli.opt.source": (
        "读取文件条款的源文件(记录以便追溯)。",
        "The file the document's clauses are read from (recorded for traceability).",
    ),
    "cli.opt.directory": ("在此文件夹中创建规则包。", "The folder to create the pack in."),
    "cli.usage": ("用法:", "Usage:"),
    "cli.options": ("选项", "Options"),
    "cli.commands": ("命令", "Commands"),
    "cli.try_help": ("用“{command} -h”查看帮助。", "Try '{command} -h' for help."),
    "cli.default": ("默认:{value}", "default: {value}"),
    "cli.required": ("必填", "required"),
    "cli.err.no_such_option": ("没有选项 {name}", "no such option: {name}"),
    "cli.err.missing_argument": ("缺少参数 {name}", "missing argument {name}"),
    "cli.err.missing_option": ("缺少选项 {name}", "missing option {name}"),
    "cli.err.bad_choice": (
        "{name} 的值无效:应为 {choices} 之一,实为“{value}”",
        "invalid value for {name}: expected one of {choices}, found {value!r}",
    ),
    "cli.err.bad_value": ("{name} 的值无效:{message}", "invalid value for {name}: {message}"),
    "cli.err.needs_value": ("选项 {name} 需要一个值", "option {name} requires a value"),
    "cli.err.extra_argument": ("多余的参数:{value}", "unexpected extra argument: {value}"),
    "cli.err.no_such_command": ("没有命令“{name}”", "no such command {name!r}"),
    "cli.err.usage": ("{message}", "{message}"),
    "cli.err.no_folder": (
        "没有可写入“{name}”的文件夹“{folder}”",
        "no folder {folder!r} to write {name!r} in",
    ),
    "cli.err.bad_date": (
        "应为日期,如 2018-12-31,实为“{value}”",
        "expected a date such as 2018-12-31, found {value!r}",
    ),
    "cli.err.cannot_write": ("无法写入“{path}”:{reason}", "cannot write {path!r}: {reason}"),
    "cli.err.needs_output": (
        "--format {fmt} 写入文件:请给出 -o FILE.{fmt}",
        "--format {fmt} writes a file: give -o FILE.{fmt}",
    ),
    "cli.err.workbook_needs_output": (
        "Excel 工作簿须用 -o FILE.xlsx",
        "an Excel workbook needs -o FILE.xlsx",
    ),
    "cli.err.unknown_name": ("没有名为“{name}”的{what}", "no {what} named {name!r}"),
    "cli.err.did_you_mean": ("{text};是否应为“{guess}”?", "{text}; did you mean {guess!r}?"),
    "cli.err.known": ("{text};已有:{known}", "{text}; known: {known}"),
    "what.pack": ("规则包", "pack"),
    "what.rule": ("规则", "rule"),
    "what.indicator": ("指标", "indicator"),
    "what.unit": ("单位", "unit"),
    "what.loaded_pack": ("已加载的规则包", "loaded pack"),
    "what.rule_in_pack": ("规则包“{pack}”中的规则", "rule in pack {pack!r}"),
    "cli.validate.ok": (
        "通过:{file}:{units} 个单位,{facts} 项数据",
        "OK: {file}: {units} units, {facts} facts",
    ),
    "cli.new_pack.created": ("已创建 {path}", "created {path}"),
    "cli.new_pack.next": (
        "下一步:pip install -e {path} && pytest {path}",
        "next: pip install -e {path} && pytest {path}",
    ),
    "cli.no_unit_covered": (
        "所选规则包未覆盖本数据集中的任何单位(其地区:{regions}),没有结果。"
        "用 --what-if 可将规则包用于其地区以外的单位。",
        "No unit of this dataset lies in the region of a chosen pack ({regions}): there are "
        "no findings. Use --what-if to apply the packs to units outside their region.",
    ),
    "cli.summary_pack": ("{pack}:{counts}", "{pack}: {counts}"),
    "cli.more_findings": (
        "(另有 {count} 条{status}结果,见 --format markdown、html 或 xlsx)",
        "({count} more {status} findings: see --format markdown, html or xlsx)",
    ),
    # -- explain ------------------------------------------------------------------------
    "explain.pack": ("规则包", "Pack"),
    "explain.applies": ("适用", "Applies to"),
    "explain.source": ("出处", "Source"),
    "explain.clause": ("原文", "Clause"),
    "explain.reading": ("解读", "Reading"),
    "explain.attribute": ("属性", "Attribute"),
    "explain.deadline": ("期限", "Deadline"),
    "explain.effective": ("起始", "In force from"),
    "explain.inputs": ("所需数据", "Inputs"),
    "explain.undeclared": ("未声明的指标", "undeclared indicator"),
    # -- templates -----------------------------------------------------------------------
    "template.title": (
        "{pack} 规则包的空白数据集({title})。",
        "Blank dataset for the {pack} pack ({title}).",
    ),
    "template.replace": (
        "请将示例代码和名称换成贵单位的;每个单位一条。",
        "Replace the example codes and names with your units'; add one entry per unit.",
    ),
    "template.unknown": (
        "填 ~ 的数据视为未知:需要它的规则报告“数据不足”。",
        "A fact left as ~ is not known: the rules that need it report 'unknown'.",
    ),
    "template.per_year": (
        "按年份的值写作 {{2023: 12, 2024: 15}}。",
        "A value per year is written as {{2023: 12, 2024: 15}}.",
    ),
    "template.no_facts": ("本规则包的规则不读取任何数据", "the pack's rules read no facts"),
    "template.unit_name": ("单位名称", "the unit's name"),
    "template.example_unit": ("示例{level}", "example {level}"),
    "template.read_by": ("{fact};读取它的规则:{rules}", "{fact}; read by {rules}"),
    "template.rate_hint": ("带单位的比率,如 38%", "rate with its sign, e.g. 38%"),
    "template.scores_hint": ("分项得分,如 {{item: 7.5}}", "points per item, e.g. {{item: 7.5}}"),
    "template.readme": ("说明", "README"),
    "template.readme.sheets": (
        "每个层级一张表:第1行为字段代码(请勿修改),第2行为名称和计量单位,从第3行起填写数据。",
        "One sheet per level of unit: row 1 holds the field ids (do not change them), row 2 "
        "the names and units; fill in the data from row 3.",
    ),
    "template.readme.years": (
        "同一单位不同年份的数据可各占一行,并填写“期间”(period);留空的数据视为未知。",
        "A unit may take one row per year (fill in 'period'); a blank cell is not known.",
    ),
    "template.readme.values": (
        "比率按声明的单位填写(38 表示 38%);是/否 填“是”或“否”;清单项填名称或代码,用分号或顿号分隔。",
        "Rates in the declared unit (38 means 38%); yes/no as yes or no (是/否); checklist "
        "items by name or id, separated by ';'.",
    ),
    "template.prompt.flag": ("填“是”或“否”", "yes or no"),
    "template.prompt.count": ("非负整数", "a whole number ≥ 0"),
    "template.prompt.amount": ("非负数", "a number ≥ 0"),
    "template.prompt.rate": (
        "单位为 {measure}:38 表示 38{measure}",
        "in {measure}: 38 means 38{measure}",
    ),
    "template.prompt.rate_error": ("0 到 {top}({measure})", "0 to {top} ({measure})"),
    "template.prompt.items": ("清单项(用分号分隔):{items}", "items separated by ';': {items}"),
    # -- the reports ---------------------------------------------------------------------
    "report.title": ("民政评估报告", "Civil-affairs assessment"),
    "report.charts": ("图表", "Charts"),
    "report.findings": ("评估结果", "Findings"),
    "report.clause": ("条款原文", "clause"),
    "report.version": ("minzheng {version}", "minzheng {version}"),
    "report.by_pack": ("各规则包汇总", "Summary by pack"),
    "report.by_unit": ("各单位汇总", "Summary by unit"),
    "report.gap_title": (
        "{pack}:未达标项距要求的差距",
        "{pack}: what is missing to reach the requirement",
    ),
    "report.gap_axis": ("差距(占要求的百分比)", "gap (per cent of the requirement)"),
    "report.trajectory_title": ("{indicator}:进度", "{indicator}: trajectory"),
    "report.planned": ("计划进度", "planned"),
    "report.actual": ("实际", "actual"),
    "report.target": ("目标", "target"),
    "report.year": ("年份", "year"),
    "report.scores_title": (
        "{pack}:自评与市局评分(门槛 {threshold})",
        "{pack}: self-assessment and city review (threshold {threshold})",
    ),
    "report.self_score": ("自评", "self-assessment"),
    "report.city_score": ("市局评分", "city review"),
    "report.points": ("得分", "points"),
    "report.threshold": ("门槛", "threshold"),
    "report.milestones_title": ("{rule}:实际与要求", "{rule}: actual against required"),
    "report.ahead": ("快于进度", "ahead"),
    "report.behind": ("慢于进度", "behind"),
    "report.no_evidence": ("缺少佐证材料:{items}", "no evidence: {items}"),
    "report.sheet.findings": ("结果", "findings"),
    "report.sheet.summary": ("汇总", "summary"),
    "report.sheet.rollups": ("汇总到上级", "roll-ups"),
    "word.met_count": ("达标数", "met"),
    "word.assessed": ("评估数", "assessed"),
}

#: Message id → (Chinese, English).
CATALOGUE: Mapping[str, tuple[str, str]] = MappingProxyType(_ENTRIES)
