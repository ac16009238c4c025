from curation.names import match_key, parentheticals, parse_source_name, slugify, without_parentheticals


def test_markers_in_both_languages_become_flags():
    zh = parse_source_name("滨康路站（换乘站）")
    assert (zh.name, zh.markers) == ("滨康路站", {"transfer"})
    en = parse_source_name("Promenade Station (Transfer Station) (Branch-starting Station)")
    assert (en.name, en.markers) == ("Promenade Station", {"transfer", "branch_start"})
    fork = parse_source_name("开发区站（支线起始站）")
    assert (fork.name, fork.markers) == ("开发区站", {"branch_start"})


def test_marker_without_space_and_stray_whitespace():
    parsed = parse_source_name("Court St Station(Transfer Station)")
    assert (parsed.name, parsed.markers) == ("Court St Station", {"transfer"})
    assert parse_source_name("34 St-Penn Station Station ").name == "34 St-Penn Station Station"


def test_branch_avenue_is_a_name_not_a_marker():
    parsed = parse_source_name("Branch Ave Station")
    assert (parsed.name, parsed.markers) == ("Branch Ave Station", frozenset())


def test_parentheticals_are_kept_in_the_name_and_exposed():
    name = "桐木岭（省委党校）站"
    assert parse_source_name(name).name == name
    assert without_parentheticals(name) == "桐木岭站"
    assert parentheticals("Waitematā (Britomart) Station") == ["Britomart"]
    assert without_parentheticals("Waitematā (Britomart) Station") == "Waitematā Station"


def test_match_key_folds_width_case_and_spacing():
    assert match_key("ＡＢＣ  Station") == match_key("abc station")


def test_slugs_are_ascii_and_pinyin_for_chinese():
    assert slugify("湘湖站") == "xiang-hu-zhan"
    assert slugify("Vörösmarty tér Station") == "vorosmarty-ter-station"
    assert slugify("L'Enfant Plaza") == "l-enfant-plaza"
    assert slugify("Østhorn Station") == "osthorn-station"


def test_place_name_readings_are_right_in_ids():
    names = ("朝阳门", "长椿街", "闵行开发区", "岗厦", "马家堡", "虹莘路", "地铁大厦")
    assert [slugify(n) for n in names] == [
        "chao-yang-men", "chang-chun-jie", "min-hang-kai-fa-qu", "gang-xia", "ma-jia-pu", "hong-xin-lu",
        "di-tie-da-sha"]
