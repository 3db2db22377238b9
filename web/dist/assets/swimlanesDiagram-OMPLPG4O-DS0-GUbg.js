import{r as e,t}from"./chunk-QB3YPZ4I-Med1PGBU.js";import"./chunk-TU62E6Q5-BCGQ7p57.js";import"./mermaid.core-BtP1RefI.js";import"./chunk-HFQBQIA3-CCNWYSF3.js";import"./chunk-M57EVK23-CIoWEB0M.js";import"./chunk-DQASFODM-DlL5Am84.js";import"./chunk-LEVMRMFU-BlOS2Zq9.js";import"./chunk-AXFCVDMN--bmKcMvM.js";import"./chunk-X4PVCEUW-BC4RnPnH.js";import"./chunk-STOXU5M4-DSteltE2.js";import"./chunk-R3KSYZAL-B2MqICPS.js";import"./chunk-6MUBBAK2-D9Y-rO1j.js";import"./chunk-BG4553SI-D5GswydZ.js";import"./d3-selection-D8YRMQ5u.js";import{n}from"./chunk-Y2CYZVJY-DsF7k-Jl.js";var r=t({styles:n(t=>`${e(t)}
  .swimlane.cluster:not([data-color-id]) rect {
    stroke: ${t.clusterBorder} !important;
  }
  [data-look="neo"].cluster rect {
    filter: none;
  }
`,`getStyles`)});export{r as diagram};