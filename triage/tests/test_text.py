from triage.text import normalize, segment, similarity


def test_normalize_folds_full_width_and_traditional_forms():
    assert normalize("樓上漏水　ＡＢＣ１２３！") == "楼上漏水 abc0!"


def test_segment_keeps_user_words_whole():
    assert "方城路小区" in segment("方城路小区停车难", user_words=("方城路小区",))


def test_similarity_is_high_for_rewording_and_low_for_another_problem():
    assert similarity("3号楼电梯坏了，停了两天", "你好，3号楼电梯坏了停了两天了") > 0.6
    assert similarity("3号楼电梯坏了，停了两天", "小区东门垃圾桶满了没人清运") < 0.2
