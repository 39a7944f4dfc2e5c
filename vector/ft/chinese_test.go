package ft

import (
	"bufio"
	"bytes"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// cnSentences are news-like text, names, places, numbers and mixed latin
// the segmentation is checked on against friso's.
var cnSentences = []string{
	"我爱北京天安门",
	"Redis支持主从同步。数据可以从主服务器向任意数量的从服务器上同步，从服务器可以是关联其他从服务器的主服务器。",
	"这使得Redis可执行单层树复制。从盘可以有意无意的对数据进行写操作。",
	"由于完全实现了发布/订阅机制，使得从数据库在任何地方同步树时，可订阅一个频道并接收主服务器完整的消息发布记录。",
	"同步对读取操作的可扩展性和数据冗余很有帮助。[8]",
	"中华人民共和国国务院总理李克强今天在人民大会堂会见了来访的德国总理默克尔。",
	"研究生命起源是一项长期的科学工作",
	"结婚的和尚未结婚的都应该来参加",
	"南京市长江大桥于1968年12月29日建成通车，全长6772米。",
	"今年第三季度国内生产总值同比增长4.9%，高于市场预期。",
	"上海证券交易所的A股指数上涨了3.14个百分点，成交额达到5000亿元。",
	"iPhone15发布会上，苹果公司CEO库克介绍了新款手机的A17芯片。",
	"卡拉OK和KTV是年轻人喜欢的娱乐方式，漂亮MM也常去。",
	"他是一名b超医生，也会用c++和Java写程序，还学过c#。",
	"张三和李四去了广州、深圳和香港，王小明留在杭州西湖边。",
	"欧阳修、司马光都是北宋著名的文学家和史学家。",
	"气温30℃，湿度65%，风力3级，明天有小到中雨。",
	"ＡＢＣ全角字母和１２３全角数字也能识别。",
	"电子邮件地址是test@example.com，网址www.example.cn。",
	"２０２４年奥运会在法国巴黎举行，中国代表团获得40枚金牌。",
	"高3学生正在准备高考，哆啦A梦是很多人童年的回忆。",
	"北京时间2023年10月1日上午10:30，国庆阅兵仪式开始。",
	"“你好！”他说，“今天天气怎么样？”",
	"这是一个测试：分号；冒号：括号（中文）和【方括号】。",
	"microsoft和google都是美国的科技公司，总部分别在西雅图和山景城。",
	"中国科学院计算技术研究所的研究人员开发了汉语词法分析系统",
	"长春市长春药店",
	"乒乓球拍卖完了",
	"发展中国家兔的饲养技术",
	"工信处女干事每月经过下属科室都要亲口交代24口交换机等技术性器件的安装工作",
	"他说的确实在理",
	"The quick brown fox跳过了lazy dog。",
	"版本v2.0.1已发布，修复了bug#123和issue&456。",
	"价格：￥199.00元，折扣8.5折，原价299元。",
	"新冠肺炎疫情期间，武汉市民积极配合防控工作。",
	"阿里巴巴集团和腾讯控股有限公司在香港联合交易所上市。",
	"小米手机MIX4搭载骁龙888处理器",
	"一九四九年十月一日中华人民共和国成立",
	"12345678901234567890123456789012345678901234567890123456789012345678901234567890中文",
	"a.b.c.d和1.2.3以及.5和5.以及3.14.15",
	"我们　全角空格　分开",
	"日本語のテキストとひらがな混じり",
	"Ωmega和αβγ希腊字母以及emoji😀表情",
}

// frisoRun segments lines with the friso command in complex mode over the
// lexicon dir, without synonyms or secondary latin splits (RediSearch's
// settings), and returns each line's words.
func frisoRun(t *testing.T, dir string, lines []string) [][]string {
	t.Helper()
	ini := filepath.Join(t.TempDir(), "friso.ini")
	conf := "friso.charset = 0\nfriso.lex_dir = " + dir + "/\nfriso.max_len = 5\nfriso.r_name = 1\n" +
		"friso.mix_len = 2\nfriso.lna_len = 1\nfriso.add_syn = 0\nfriso.clr_stw = 0\nfriso.keep_urec = 0\n" +
		"friso.spx_out = 0\nfriso.en_sseg = 0\nfriso.st_minl = 2\nfriso.kpuncs = @%.#&+\n" +
		"friso.nthreshold = 2000000\nfriso.mode = 2\n"
	if err := os.WriteFile(ini, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("friso", "-init", ini)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\nquit\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("friso: %v", err)
	}
	var res [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasSuffix(line, "分词结果:") {
			continue
		}
		if !sc.Scan() {
			break
		}
		res = append(res, strings.Fields(sc.Text()))
	}
	if len(res) != len(lines) {
		t.Fatalf("friso answered %d lines of %d", len(res), len(lines))
	}
	return res
}

// needFriso returns the Debian lexicon directory, or skips the test
// (fails it under CI) when friso or its lexicon is missing.
func needFriso(t *testing.T) (*cnLexicon, string) {
	t.Helper()
	_, err := exec.LookPath("friso")
	if err == nil {
		_, err = os.Stat(filepath.Join(debianFrisoLexes, "friso.lex.ini"))
	}
	if err != nil {
		msg := "friso and friso-dict are not installed (apt-get install friso friso-dict): " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	lex, err := loadCNLexicon(debianFrisoLexes)
	if err != nil {
		t.Fatal(err)
	}
	return lex, debianFrisoLexes
}

func collectSegments(lex *cnLexicon, s string) []cnSegment {
	var out []cnSegment
	segmentChinese(lex, s, func(seg cnSegment) { out = append(out, seg) })
	return out
}

func segWords(lex *cnLexicon, s string) []string {
	var out []string
	segmentChinese(lex, s, func(seg cnSegment) { out = append(out, seg.word) })
	return out
}

// TestChineseSegmentLikeFriso compares the segmentation with the friso
// command's, on the same lexicon, over cnSentences, random text built of
// lexicon words, latin, digits, punctuation and spaces, and random
// characters.
func TestChineseSegmentLikeFriso(t *testing.T) {
	lex, dir := needFriso(t)
	lines := append([]string(nil), cnSentences...)
	rng := rand.New(rand.NewSource(1))
	pieces := []string{"a", "Z", "ok", "MM", "c++", "c#", "3", "42", "3.14", "1.2.3", "%", "@", ".", "+", "&", "#", "-", " ",
		"，", "。", "、", "“", "”", "（", "）", "：", "ｂ", "Ｋ", "１", "　", "米", "年", "元", "℃", "é", "😀", "ア", "○"}
	for n := 0; n < 300; n++ {
		var b strings.Builder
		for k := rng.Intn(30) + 1; k > 0; k-- {
			if rng.Intn(3) == 0 {
				b.WriteString(pieces[rng.Intn(len(pieces))])
			} else {
				w := lex.word(rng.Intn(lex.count()))
				b.WriteString(w)
			}
		}
		lines = append(lines, b.String())
	}
	// Character soup: any CJK character (known or not), ASCII, full-width
	// forms, CJK punctuation, other scripts, marks and units.
	marks := []string{"%", ".", "@", "#", "&", "+", "3.1", "a.", "c++", "x-", "ok", "MM", "米", "℃", "年", "\t", "é", "😀", "Ａ", "ｚ"}
	for n := 0; n < 300; n++ {
		var b strings.Builder
		for k := rng.Intn(60) + 1; k > 0; k-- {
			switch rng.Intn(8) {
			case 0:
				b.WriteRune(rune(0x4E00 + rng.Intn(0x9FBF-0x4E00)))
			case 1:
				b.WriteRune(rune(0x20 + rng.Intn(95)))
			case 2:
				b.WriteRune(rune(0xFF01 + rng.Intn(0x5E)))
			case 3:
				b.WriteRune(rune(0x3000 + rng.Intn(0x40)))
			case 4:
				b.WriteString(marks[rng.Intn(len(marks))])
			default:
				b.WriteString(lex.word(rng.Intn(lex.count())))
			}
		}
		lines = append(lines, b.String())
	}
	want := frisoRun(t, dir, lines)
	bad := 0
	for i, line := range lines {
		got := segWords(lex, line)
		if strings.Join(got, " ") != strings.Join(want[i], " ") {
			bad++
			if bad <= 10 {
				t.Errorf("%q:\n got  %q\n want %q", line, got, want[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d lines differ from friso", bad, len(lines))
	}
}

// TestChineseTokensDrop checks what RediSearch drops of the segments:
// punctuation, unknown CJK characters, and letter-punctuation words
// right before Chinese text.
func TestChineseTokensDrop(t *testing.T) {
	lex, _ := needFriso(t)
	for _, tc := range []struct{ in, want string }{
		{"我爱北京天安门！", "我 爱 北京 天安门"},
		{"用c++写", "用 写"},
		{"用c++ 写", "用 c++ 写"},
		{"卡拉OK", "卡拉ok"},
		{"3.14米长", "3.14米 长"},
	} {
		var got []string
		segmentChinese(lex, tc.in, func(s cnSegment) {
			if s.kind == cnWord {
				got = append(got, s.word)
			}
		})
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestChineseNoLexicon: without a lexicon every CJK character is a word.
func TestChineseNoLexicon(t *testing.T) {
	got := strings.Join(segWords(nil, "我爱Redis数据库，3.14"), " ")
	if want := "我 爱 redis 数 据 库 ， 3.14"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if _, err := loadCNLexicon(t.TempDir()); err == nil {
		t.Fatal("an empty directory loaded as a lexicon")
	}
}

// checkSegments checks segments of s: in order, not overlapping, inside
// s, and each word is its bytes (latin lower-cased and folded to half
// width).
func checkSegments(t *testing.T, s string, segs []cnSegment) {
	end := 0
	for _, g := range segs {
		if g.start < end || g.end <= g.start || g.end > len(s) {
			t.Fatalf("%q: segment %+v out of order or range (after %d)", s, g, end)
		}
		end = g.end
		raw := s[g.start:g.end]
		folded := strings.Map(func(r rune) rune {
			if r = cnHalf(r); r >= 'A' && r <= 'Z' {
				r += 32
			}
			return r
		}, raw)
		if g.word == "" || g.word != raw && g.word != folded {
			t.Fatalf("%q: segment %+v is not its bytes %q", s, g, raw)
		}
	}
}

func FuzzChineseSegment(f *testing.F) {
	lex, _ := loadCNLexicon(debianFrisoLexes)
	for _, s := range cnSentences {
		f.Add(s)
	}
	f.Add("\xff\xfe中\x80文abc\xe4\xb8")
	f.Add("c++中文ｂ超")
	f.Fuzz(func(t *testing.T, s string) {
		checkSegments(t, s, collectSegments(lex, s))
		checkSegments(t, s, collectSegments(nil, s))
	})
}

// TestChineseSpeed reports segmentation speed and the lexicon's memory
// (go test -run ChineseSpeed -v).
func TestChineseSpeed(t *testing.T) {
	needFriso(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	loadStart := time.Now()
	lex, err := loadCNLexicon(debianFrisoLexes)
	if err != nil {
		t.Fatal(err)
	}
	loadTime := time.Since(loadStart)
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("lexicon: %d words, %d bytes by count, %d bytes of heap, loaded in %v",
		lex.count(), lex.bytes(), int64(after.HeapAlloc)-int64(before.HeapAlloc), loadTime.Round(time.Millisecond))
	text := strings.Repeat(strings.Join(cnSentences, ""), 20)
	start := time.Now()
	words := 0
	for time.Since(start) < 300*time.Millisecond {
		words += len(collectSegments(lex, text))
	}
	runs := words / len(collectSegments(lex, text))
	mb := float64(runs*len(text)) / (1 << 20)
	t.Logf("segmentation: %.2f MB/s", mb/time.Since(start).Seconds())
}

// BenchmarkChineseSegment measures segmentation speed (MB/s) on
// cnSentences.
func BenchmarkChineseSegment(b *testing.B) {
	lex, err := loadCNLexicon(debianFrisoLexes)
	if err != nil {
		b.Skip("no lexicon: ", err)
	}
	text := strings.Join(cnSentences, "")
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		segmentChinese(lex, text, func(cnSegment) {})
	}
}
